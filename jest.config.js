// Jest for Lightning Web Components (run through sfdx-lwc-jest: `npm run test:lwc`).
// Only force-app is searched: the middleware has its own jest 30 config, and the verification
// pipeline's fixtures (scripts/verify-salesforce/test/) must never run as project tests.
const { readdirSync } = require('node:fs');
const path = require('node:path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

/** True when force-app holds at least one component JavaScript file (tests and mocks aside). */
function hasLwcComponents(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((entry) => {
    if (entry.isDirectory()) {
      return (
        !['__tests__', '__mocks__', 'node_modules'].includes(entry.name) && hasLwcComponents(path.join(dir, entry.name))
      );
    }
    return entry.name.endsWith('.js') && dir.split(path.sep).includes('lwc');
  });
}

module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  // Platform modules whose shipped stubs cannot deliver messages: our own mocks (force-app/test/jest-mocks).
  moduleNameMapper: {
    ...(jestConfig.moduleNameMapper ?? {}),
    '^lightning/empApi$': '<rootDir>/force-app/test/jest-mocks/lightning/empApi'
  },
  testPathIgnorePatterns: [...jestConfig.testPathIgnorePatterns, '<rootDir>/scripts/', '<rootDir>/middleware/'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver/', '<rootDir>/middleware/', '<rootDir>/scripts/'],
  // The project starts with no components; an empty run is a pass, not an error.
  passWithNoTests: true,
  // Component JavaScript only. sfdx-lwc-jest's own pattern list (`lwc/**/*` with `!*.html`, `!*.css`) matched no
  // file under jest 29 here, so coverage read 0/0 and no threshold could ever fail.
  collectCoverageFrom: ['force-app/**/lwc/**/*.js', '!**/__tests__/**', '!**/__mocks__/**', '!**/jest-mocks/**'],
  coverageDirectory: '<rootDir>/coverage/lwc',
  coverageReporters: ['text-summary', 'lcov'],
  // Thresholds apply once components exist (with none, jest would fail for lack of coverage data).
  ...(hasLwcComponents(path.join(__dirname, 'force-app'))
    ? { coverageThreshold: { global: { statements: 90, lines: 90, functions: 90, branches: 85 } } }
    : {})
};
