// Start/stop throw-away local MLServer 1.7.1 servers from Node (no deps, Node >= 20).
//
//   import { startLocalMlserver } from '../mlserver/local-server.mjs';
//   const mls = await startLocalMlserver();
//   // ... put model-settings.json under mls.modelRepository, POST `${mls.url}/v2/repository/models/<name>/load` ...
//   await mls.stop();
//
// Each call gets its own run dir (settings.json, an empty model repository, the log) and its own
// free HTTP, gRPC and metrics ports on 127.0.0.1, so parallel test processes never collide. The
// venv comes from ./install.sh (about 2 minutes once, then cached in mlserver/.cache/venv).
// parallel_workers is 0: models load and predict in the server process, so a load is done when
// the repository API answers, and the server costs one process on a 2-core machine.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Runs install.sh (idempotent) and returns the venv path. */
function install(log) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(HERE, 'install.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; if (log) for (const l of d.split('\n')) if (l) log(l); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split('\n').at(-1)) : reject(new Error(`mlserver/install.sh failed (exit ${code}):\n${err.trim()}`))));
  });
}

/** A free TCP port on 127.0.0.1 (the OS picks; closed before MLServer binds it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A running local MLServer.
 * @typedef {object} LocalMlserver
 * @property {string} url             HTTP base URL, e.g. `http://127.0.0.1:40123` (V2 API under `/v2/`).
 * @property {number} grpcPort
 * @property {number} metricsPort     Prometheus metrics at `http://127.0.0.1:<port>/metrics`.
 * @property {number} pid             PID of `mlserver start` (leader of its own process group).
 * @property {string} runDir          settings.json, the log and the model repository.
 * @property {string} modelRepository Where model versions go: `<name>/<version>/model-settings.json`.
 * @property {string} implementation  The tiny model shipped here (`version_model.VersionModel`).
 * @property {() => Promise<void>} stop  Stops exactly this instance and deletes its run dir. Idempotent.
 */

/**
 * Install (first time only) and start a fresh, private MLServer on free ports, and wait until
 * `/v2/health/ready` answers 200.
 * Pass `runDir` and `ports` of a stopped instance (stopped with `keepRunDir`) to restart it over
 * the same model repository at the same address: it loads what is on disk at startup.
 * @param {{ startTimeoutSec?: number, runDir?: string, stopOnExit?: boolean, log?: (line: string) => void, keepRunDir?: boolean, ports?: { http: number, grpc: number, metrics: number } }} [options]
 * @returns {Promise<LocalMlserver>}
 */
export async function startLocalMlserver({ startTimeoutSec = 120, runDir, stopOnExit = true, log, keepRunDir = false, ports } = {}) {
  const venv = await install(log);
  const dir = runDir ?? path.join(HERE, '.cache', `run-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const modelRepository = path.join(dir, 'models');
  mkdirSync(modelRepository, { recursive: true });
  const [httpPort, grpcPort, metricsPort] = ports ? [ports.http, ports.grpc, ports.metrics] : [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({ host: '127.0.0.1', http_port: httpPort, grpc_port: grpcPort, metrics_port: metricsPort, parallel_workers: 0, model_repository_root: modelRepository, load_models_at_startup: true, debug: false }, null, 2),
  );
  const logFile = path.join(dir, 'mlserver.log');
  const fd = openSync(logFile, 'a');
  const t0 = Date.now();
  const child = spawn(path.join(venv, 'bin', 'mlserver'), ['start', dir], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PYTHONPATH: [HERE, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter), PYTHONUNBUFFERED: '1' },
  });
  closeSync(fd);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${httpPort}`;

  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  const stopSync = () => { killGroup('SIGKILL'); if (!keepRunDir) rmSync(dir, { recursive: true, force: true }); };
  if (stopOnExit) process.once('exit', stopSync);

  const tail = () => { try { return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'); } catch { return ''; } };
  for (;;) {
    if (exited) throw new Error(`mlserver exited during startup (${JSON.stringify(exited)}):\n${tail()}`);
    if (Date.now() - t0 > startTimeoutSec * 1000) { stopSync(); throw new Error(`mlserver not ready after ${startTimeoutSec} s:\n${tail()}`); }
    try {
      const r = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    await sleep(200);
  }
  log?.(`[mlserver] ready at ${url} (pid ${child.pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    if (!stopping) {
      if (stopOnExit) process.removeListener('exit', stopSync);
      stopping = (async () => {
        killGroup('SIGTERM');
        for (let i = 0; i < 100 && !exited; i++) await sleep(100);
        if (!exited) killGroup('SIGKILL');
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!keepRunDir) rmSync(dir, { recursive: true, force: true });
      })();
    }
    return stopping;
  };
  return { url, grpcPort, metricsPort, pid: child.pid, runDir: dir, modelRepository, implementation: 'version_model.VersionModel', stop };
}
