import { defineConfig } from 'vitest/config';

/** VITEST_REPORT=<dir>: CI also writes a JSON report there, to print one plain summary line. */
const report = process.env.VITEST_REPORT;

export default defineConfig({
  test: {
    // The browser tests run afterwards in their own run (test/e2e/vitest.config.ts): beside the
    // Neo4j suites on two cores, chromium and the Next server were starved into timeouts.
    include: ['kit/src/**/*.test.ts', 'ui/lib/**/*.test.ts', 'connectors/src/**/*.test.ts', 'gateway/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'schema/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
    // One file at a time: several files share the one Neo4j and assert whole-database counts
    // ("nothing was written"), and one wipes it; in parallel they would see each other's writes.
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/helpers/neo4j-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    ...(report ? { reporters: ['default', 'json'], outputFile: { json: `${report}/${process.env.VITEST_REPORT_NAME ?? 'main'}.json` } } : {}),
  },
});
