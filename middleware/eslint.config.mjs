// ESLint 9 flat config for the middleware (`npm run lint` here runs `eslint src test`):
// typescript-eslint's recommended rules on the TypeScript sources and tests.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { directions } from './eslint.directions.mjs';

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      // Unused arguments named with a leading underscore are deliberate (e.g. Express error handlers).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // End-to-end tests read arbitrary wire JSON (QBO entities, Salesforce records) out of the emulators and
    // assert on its fields; typing every shape would only restate the samples. Product code stays strict.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  // Import directions between the layers (eslint.directions.mjs, ARCHITECTURE.md).
  ...directions
);
