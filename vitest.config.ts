import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['kit/src/**/*.test.ts', 'connectors/src/**/*.test.ts', 'gateway/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'schema/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.e2e.test.ts'],
    // Two cores: files run in parallel in forks, tests inside a file run in order.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['test/helpers/neo4j-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
