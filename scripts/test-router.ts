/**
 * `npm run test:router` (part of `npm test`): the integration suite once more, with every test
 * stack's gateway on the hive-router engine (MLOPS_TEST_ENGINE, test/helpers/start-stack.ts),
 * so the Rust router passes the same tests as @apollo/gateway. Left out: the tests that are about
 * one engine by design (hive-router.int.test.ts compares both; result-shaping.int.test.ts checks
 * @apollo/gateway's own shaping) and the bulk import, which never reaches a gateway.
 *
 * Without the router binary (router/install.sh, 15–45 minutes of compile) it says so and
 * passes, except under MLOPS_REQUIRE_ROUTER=1 (.ci/run), where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ROUTER_BINARY } from '../gateway/src/hive-router.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ONE_ENGINE = new Set(['hive-router.int.test.ts', 'result-shaping.int.test.ts', 'lineage-bulk-import.int.test.ts']);

if (!existsSync(DEFAULT_ROUTER_BINARY)) {
  if (process.env.MLOPS_REQUIRE_ROUTER === '1') {
    console.error(`test:router: ${path.relative(ROOT, DEFAULT_ROUTER_BINARY)} is missing and MLOPS_REQUIRE_ROUTER=1: run bash router/install.sh`);
    process.exit(1);
  }
  console.log(`test:router: skipped, ${path.relative(ROOT, DEFAULT_ROUTER_BINARY)} is not built (bash router/install.sh, 15–45 minutes)`);
  process.exit(0);
}
const files = [
  ...readdirSync(path.join(ROOT, 'test/integration'))
    .filter((f) => f.endsWith('.int.test.ts') && !ONE_ENGINE.has(f))
    .map((f) => `test/integration/${f}`),
  'test/security/mutations.security.test.ts',
  'test/security/scope.security.test.ts',
];
console.log(`test:router: ${files.length} files with MLOPS_TEST_ENGINE=hive-router`);
const run = spawnSync(path.join(ROOT, 'node_modules/.bin/vitest'), ['run', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, MLOPS_TEST_ENGINE: 'hive-router', VITEST_REPORT_NAME: 'router' },
});
process.exit(run.status ?? 1);
