/**
 * Runs the built explorer UI from Node (used by `npm start` through scripts/start.ts and by the
 * browser tests): builds it when `ui/.next` is missing or older than the sources, then runs
 * `next start` as a child process with GATEWAY_URL pointing at the gateway. Node builtins only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mlops/kit/ports';

export const UI_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.resolve(UI_DIR, '..');
const BUILD_ID = path.join(UI_DIR, '.next', 'BUILD_ID');
const SOURCES = ['app', 'components', 'lib', 'gql', 'next.config.ts', 'proxy.ts', 'instrumentation.ts', 'package.json', 'tsconfig.json'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const e of readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

/** True when `ui/.next` is missing or older than the UI sources. */
export function uiBuildIsStale(): boolean {
  if (!existsSync(BUILD_ID)) return true;
  const built = statSync(BUILD_ID).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(UI_DIR, s)) > built);
}

/**
 * Runs `npm run build -w ui` when the build is missing or stale (UI_SKIP_BUILD=1: only when
 * missing). Returns the seconds it took, 0 when skipped. Throws if the build fails.
 */
export function ensureUiBuild(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): number {
  const skip = process.env.UI_SKIP_BUILD === '1' || process.env.E2E_SKIP_BUILD === '1';
  if (existsSync(BUILD_ID) && (skip || !uiBuildIsStale())) return 0;
  log('building the explorer UI (npm run build -w ui)…');
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', 'build', '-w', 'ui', '--silent'], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`the UI build failed (exit ${r.status})`);
  const s = (Date.now() - t0) / 1000;
  log(`explorer UI built in ${s.toFixed(1)} s`);
  return s;
}

export interface RunningUi {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface UiOptions {
  /** Where the UI's /graphql proxy forwards, e.g. http://127.0.0.1:4000/graphql. */
  gatewayUrl: string;
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
  /**
   * Extra environment for the Next server. Without `MLOPS_MODE: 'demo'` the UI runs in production
   * mode (no dev sign-in); see ui/README.md for AUTH_JWKS_URL, UI_SECURE_COOKIES and the rest.
   */
  env?: Record<string, string>;
  /** How long to wait for the server to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/** Starts `next start` for the built UI and waits until it answers. */
export async function startUi(opts: UiOptions): Promise<RunningUi> {
  const host = opts.host ?? '127.0.0.1';
  const nextBin = createRequire(path.join(UI_DIR, 'package.json')).resolve('next/dist/bin/next');
  const port = opts.port || (await freePort(host));
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', host], {
    cwd: UI_DIR,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', GATEWAY_URL: opts.gatewayUrl, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process exits without stopping the UI (an uncaught error), take the server along.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  const keep = (d: unknown) => {
    output = (output + String(d)).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}/signin`, { signal: AbortSignal.timeout(5_000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start did not answer within ${(opts.readyTimeoutMs ?? 60_000) / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
