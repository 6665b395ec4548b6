/**
 * `npm start`: runs every subgraph (4001–4005) and the gateway (4000) as separate processes,
 * waits for each /health, prints the URLs, and stops them all on Ctrl-C (or if one dies).
 * Ports and scenario size come from the same env vars the services read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface Service {
  name: string;
  dir: string;
  port: number;
  env?: Record<string, string>;
}

const base = Number(process.env.BASE_PORT ?? 4000);
const host = process.env.HOST ?? '127.0.0.1';
const subgraphs: Service[] = ['training', 'catalog', 'inference', 'monitoring', 'lineage'].map((name, i) => ({
  name,
  dir: `subgraphs/${name}`,
  port: base + i + 1,
}));
const gateway: Service = {
  name: 'gateway',
  dir: 'gateway',
  port: base,
  env: Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_URL`, `http://${host}:${s.port}/graphql`])),
};

const children: ChildProcess[] = [];
let stopping = false;

function launch(s: Service): ChildProcess {
  const child = spawn(tsx, ['src/index.ts'], {
    cwd: join(root, s.dir),
    env: { ...process.env, PORT: String(s.port), HOST: host, ...s.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${s.name} exited (${signal ?? code}); stopping everything\n`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitHealthy(s: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://${host}:${s.port}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${s.name} did not become healthy on port ${s.port} within ${timeoutMs / 1000}s`);
}

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const kill = setTimeout(() => c.kill('SIGKILL'), 5_000);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}

process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  for (const s of subgraphs) launch(s);
  await Promise.all(subgraphs.map((s) => waitHealthy(s)));
  launch(gateway);
  await waitHealthy(gateway);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  await stopAll(1);
}

const lines = [
  '',
  'MLOps traceability gateway is up:',
  `  GraphQL   http://${host}:${gateway.port}/graphql`,
  `  GraphiQL  http://${host}:${gateway.port}/graphiql`,
  ...subgraphs.map((s) => `  ${s.name.padEnd(9)} http://${host}:${s.port}/graphql`),
  'Press Ctrl-C to stop.',
  '',
];
process.stdout.write(lines.join('\n'));
