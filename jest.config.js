/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  // Workflow code is bundled once per run (ARCHITECTURE.md "Testing"), not per file.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFiles: ['<rootDir>/test/helpers/setup-pglite.ts'],
  // the longest files first, also in a fresh clone without jest's cache of durations (test/helpers/sequencer.js)
  testSequencer: '<rootDir>/test/helpers/sequencer.js',
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: false,
};
