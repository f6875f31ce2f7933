// Two projects: `unit` needs no infrastructure; `integration` starts real daprd sidecars and service
// processes against the local servers (PostgreSQL, Redis, ...). `npm test` runs both.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const moduleNameMapper = { '^@shop/(kit|testkit|contracts|pg)$': '<rootDir>/packages/$1/src/index.ts' };
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper };

module.exports = {
  // Global, not per project (jest ignores it there): bounds hooks too, which start and stop real sidecars.
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services}/*/test/unit/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/test/integration/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/support/environment.js',
    },
  ],
};
