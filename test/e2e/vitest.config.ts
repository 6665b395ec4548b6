/**
 * Browser end-to-end tests of the explorer UI (`npm run test:e2e` or
 * `npx vitest run --config test/e2e/vitest.config.ts`): the real stack in-process, the built
 * Next app, Debian's chromium through playwright-core. No Neo4j: the lineage store is in memory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    testTimeout: 60_000,
    expect: { poll: { timeout: 15_000, interval: 100 } },
    // The first run may build the UI (about a minute on two cores).
    hookTimeout: 300_000,
    ...(process.env.VITEST_REPORT ? { reporters: ['default', 'json'], outputFile: { json: `${process.env.VITEST_REPORT}/e2e.json` } } : {}),
  },
});
