// ESLint 9 flat config for the Salesforce half: Lightning Web Components under force-app/**/lwc.
// The middleware has its own config (middleware/eslint.config.mjs, typescript-eslint).
import lwcConfig from '@salesforce/eslint-config-lwc';

// Matched against paths relative to the lint base directory (the repository root for `npm run lint`,
// the checked source folder's parent for `npm run verify:salesforce`).
const LWC_JS = ['**/lwc/**/*.js'];

export default [
  {
    ignores: ['**/node_modules/**', 'coverage/**', 'middleware/**', '.sf/**', '.sfdx/**', '.localdevserver/**']
  },
  // The shared LWC "recommended" set (LWC platform rules, ESLint recommended, import, jest globals and
  // rules, lightning), scoped to component JavaScript so that it never applies to tooling scripts.
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: config.files ?? LWC_JS }))
];
