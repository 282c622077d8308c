/**
 * Four projects, bottom up: `unit` needs neither a Temporal server nor a build (`npm run
 * test:unit`); `workflow` runs workflow code in-process against the run's dev server; `integration`
 * spawns the real worker and API from dist/; `e2e` adds a headless Chromium. Jest runs each
 * project's global setup only when one of its tests is selected.
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
const withTemporal = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      ...withTemporal,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'],
    },
    {
      ...shared,
      ...withTemporal,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/reliability/**/*.test.ts'],
    },
    {
      ...shared,
      ...withTemporal,
      globalSetup: '<rootDir>/test/support/e2e-setup.ts',
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};
