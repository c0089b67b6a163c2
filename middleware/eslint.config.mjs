// ESLint 9 flat config for the middleware (`npm run lint` here runs `eslint src test emulators`):
// typescript-eslint's recommended rules on the TypeScript sources, tests and the emulator package.
import { defineConfig } from 'eslint/config';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';
import { directions } from './eslint.directions.mjs';

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'emulators/**/*.ts'],
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
  {
    // The emulators (the @ledgerline/emulators workspace) stand apart from the middleware they test: no import
    // cycles between their files, and nothing from the middleware's src/.
    files: ['emulators/**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } }
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/**', '@ledgerline/middleware', '@ledgerline/middleware/**'], message: 'The emulators import nothing from the middleware: keep a copy in the emulator package.' }] }]
    }
  },
  {
    // The production build (tsconfig.build.json: src/ without src/demo and tests) and the image hold no emulator.
    files: ['src/**/*.ts'],
    ignores: ['src/demo/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@ledgerline/emulators', '@ledgerline/emulators/**'], message: 'Only tests, src/demo, bench and scripts may use the emulators: the production build and image do not contain them.' }] }]
    }
  },
  // Import directions between the layers (eslint.directions.mjs, ARCHITECTURE.md).
  ...directions
);
