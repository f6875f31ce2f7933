// Three projects: `unit` needs no infrastructure; `deploy` checks the deployment files offline (kubectl,
// promtool and the Dapr Go module's CRDs); `integration` starts real daprd sidecars and service processes
// against the local servers (PostgreSQL, Redis, ...). `npm test` runs them all.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const moduleNameMapper = {
  '^@shop/(kit|testkit|contracts|pg)$': '<rootDir>/packages/$1/src/index.ts',
  '^@shop/kit/tracing$': '<rootDir>/packages/kit/src/tracing.ts',
};
// .tmp/ holds test runs and scratch copies; their package.json files must not shadow the workspaces.
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper, modulePathIgnorePatterns: ['<rootDir>/.tmp/'] };

// Suites about one broker's own failure modes run only on the profile whose `pubsub` is that broker
// (DAPR_PROFILE, as the Stack reads it; redis when unset): elsewhere they do not apply, and are left out
// rather than reported as skipped.
const fs = require('node:fs');
const path = require('node:path');
const profile = process.env.DAPR_PROFILE || 'redis';
const pubsubType = (() => {
  try {
    return /^\s*type:\s*(\S+)/m.exec(fs.readFileSync(path.join(__dirname, 'components', profile, 'pubsub.yaml'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
})();
const brokerOnly = pubsubType === 'pubsub.rabbitmq' ? [] : ['<rootDir>/test/e2e/broker-restart.test.ts'];

module.exports = {
  // Global, not per project (jest ignores it there): bounds hooks too, which start and stop real sidecars.
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{packages,services}/*/test/unit/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
        '<rootDir>/bench/test/**/*.test.ts',
      ],
    },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/!(trace|metrics).test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{packages,services}/*/test/integration/**/*.test.ts',
        '<rootDir>/test/e2e/**/*.test.ts',
        '<rootDir>/test/faults/**/*.test.ts',
        '<rootDir>/test/deploy/{trace,metrics}.test.ts',
      ],
      testPathIgnorePatterns: ['/node_modules/', ...brokerOnly],
      testEnvironment: '<rootDir>/test/support/environment.js',
    },
  ],
};
