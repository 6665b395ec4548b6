/**
 * `npm run serve`: production mode. Reads the configuration (MLOPS_CONFIG or
 * ./mlops.config.yaml, overridden by the environment), refuses to start on development
 * secrets or anonymous access unless the file allows it, then runs each subgraph and the
 * gateway as its own process, waits until each answers /health, and prints where they listen. A child that
 * dies takes the supervisor down with a non-zero exit, so the orchestrator above it (systemd,
 * Kubernetes, docker compose) restarts a clean set; SIGINT/SIGTERM stop every child.
 *
 * A configured port of 0 means any free port (the supervisor picks it and tells the gateway).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@mlops/kit';
import { freePort } from '@mlops/kit/ports';
import { readConfig, ConfigError, SUBGRAPH_NAMES, type Config } from '@mlops/kit/config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let config: Config;
let file: string | null;
try {
  ({ config, file } = readConfig({ defaults: {} }));
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`serve: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
if (config.mode !== 'production') {
  process.stderr.write('serve: the configuration says mode: demo; npm run serve runs production only (use npm start for the demo)\n');
  process.exit(1);
}
const logger = createLogger('serve', config.log.level);

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(t);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

async function waitHealthy(name: string, url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A 32 MiB young generation (V8's default is 16 MiB): each request allocates its whole answer
 * (66 KB of JSON, parsed and re-shaped), and fewer scavenges gave 1.12x flagship requests/s and
 * 0.92x CPU per request in test/bench/throughput.ts (new vs new-semi, BENCHMARKS.md), for about
 * 40 MiB more resident memory per process. The operator's own setting wins.
 */
function nodeOptions(current: string | undefined): string {
  if (current?.includes('--max-semi-space-size')) return current;
  return `${current ?? ''} --max-semi-space-size=32`.trim();
}

function run(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(TSX, [path.join(ROOT, entry)], {
    cwd: ROOT,
    // NODE_ENV=production: graphql-js skips its development-only instanceof checks (9–11% of a
    // subgraph's CPU in the flagship profile).
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: nodeOptions(process.env.NODE_OPTIONS), ...(file ? { MLOPS_CONFIG: file } : {}), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ name, child });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ service: name, code, signal }, 'a service exited; stopping the others');
    void stopAll(1);
  });
  return child;
}

const shared: Record<string, string> = {};
const started: { name: string; url: string }[] = [];
const startSubgraph = async (name: (typeof SUBGRAPH_NAMES)[number], env: Record<string, string> = {}) => {
  const s = config.subgraphs[name];
  const port = s.port || (await freePort(s.host));
  const url = `http://${s.host}:${port}/graphql`;
  // The gateway reaches each subgraph where the supervisor started it.
  shared[`${name.toUpperCase()}_URL`] = url;
  const child = run(name, `subgraphs/${name}/src/index.ts`, { ...env, HOST: s.host, PORT: String(port) });
  await waitHealthy(name, `http://${s.host}:${port}/health`, child);
  started.push({ name: `${name} subgraph`, url });
  return `http://${s.host}:${port}`;
};

try {
  // Read-only built-in platforms (training, catalog, monitoring) are deterministic from the
  // scenario seed, so each process keeps its own copy; the built-in serving platform is written
  // to by rollouts, so the inference process owns it and the lineage process borrows it over
  // the internal RPC (measured: a central platform process cost ~25 ms of CPU per flagship query).
  const [, , inferenceBase] = await Promise.all([startSubgraph('training'), startSubgraph('catalog'), startSubgraph('inference'), startSubgraph('monitoring')]);
  const inf = config.platforms.inference;
  await startSubgraph('lineage', inf.connector === 'builtin' && !inf.url ? { INFERENCE_PLATFORM_URL: inferenceBase! } : {});
  const g = config.gateway;
  const gport = g.port || (await freePort(g.host));
  const gw = run('gateway', 'gateway/src/index.ts', { ...shared, HOST: g.host, PORT: String(gport) });
  await waitHealthy('gateway', `http://${g.host}:${gport}/health`, gw);
  started.unshift({ name: 'gateway', url: `http://${g.host}:${gport}/graphql` });
} catch (e) {
  logger.error({ err: (e as Error).message }, 'could not start every service');
  await stopAll(1);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
process.stdout.write(
  [
    '',
    `MLOps traceability gateway, production mode (${file ?? 'configuration from the environment'}), one process per service:`,
    ...started.map((s) => `  ${s.name.padEnd(20)} ${s.url}`),
    'SERVE READY',
    '',
  ].join('\n'),
);
