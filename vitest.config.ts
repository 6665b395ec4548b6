import { defineConfig } from 'vitest/config';

/** VITEST_REPORT=<dir>: CI also writes a JSON report there, to print one plain summary line. */
const report = process.env.VITEST_REPORT;

export default defineConfig({
  test: {
    // The browser tests run afterwards in their own run (test/e2e/vitest.config.ts): beside the
    // Neo4j suites on two cores, chromium and the Next server were starved into timeouts.
    include: ['kit/src/**/*.test.ts', 'connectors/src/**/*.test.ts', 'gateway/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'schema/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
    // Two cores: files run in parallel in forks, tests inside a file run in order.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['test/helpers/neo4j-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    ...(report ? { reporters: ['default', 'json'], outputFile: { json: `${report}/main.json` } } : {}),
  },
});
