/**
 * Jest for the middleware: TypeScript through SWC (type checking is `npm run typecheck`). The emulator
 * package's own unit tests (the *.test.ts files under emulators/, the @ledgerline/emulators workspace) run
 * here too, so `npm test` covers them.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/emulators'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
};
