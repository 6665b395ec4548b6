// Start/stop throw-away local MLflow 3.17.2 tracking servers from Node (no deps, Node >= 20).
//
//   import { startLocalMlflow } from '../mlflow/local-server.mjs';
//   const mlflow = await startLocalMlflow();
//   // ... fetch(`${mlflow.url}/api/2.0/mlflow/experiments/search`, ...) ...
//   await mlflow.stop();
//
// Each call gets its own run dir (sqlite database, artifacts, log) and its own free port, so
// parallel test processes never collide. The work is done by ./server.sh (which installs the
// venv through ./install.sh on first use: about 1-2 minutes once, then cached).

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER_SH = path.join(HERE, 'server.sh');

/**
 * A running local MLflow server.
 * @typedef {object} LocalMlflow
 * @property {string} url      Base URL, e.g. `http://127.0.0.1:40123` (REST under `/api/2.0/mlflow/`).
 * @property {number} pid      PID of `mlflow server` (leader of its own process group).
 * @property {string} runDir   Directory holding this instance's database, artifacts and log.
 * @property {() => Promise<void>} stop  Stops exactly this instance and deletes its run dir.
 *   Idempotent: later calls return the same promise.
 */

/**
 * Options for {@link startLocalMlflow}.
 * @typedef {object} StartOptions
 * @property {number} [startTimeoutSec] Seconds to wait for `/health`. Default 180.
 * @property {string} [runDir]     Use this (empty or absent) directory as the run dir.
 * @property {Record<string, string>} [env] Extra env vars for server.sh (e.g. `MLFLOW_SERVER_ARGS`).
 * @property {boolean} [stopOnExit] Stop the instance synchronously when the Node process exits and
 *   `stop()` was not called. Default true.
 * @property {(line: string) => void} [log] Receives server.sh progress lines (stderr).
 */

/**
 * @param {'start' | 'stop'} cmd
 * @param {NodeJS.ProcessEnv} env
 * @param {(line: string) => void} [log]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runServerSh(cmd, env, log) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SERVER_SH, cmd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (log) {
        partial += d;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) log(l);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (log && partial) log(partial);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Install (first time only) and start a fresh, private MLflow server on a free 127.0.0.1 port,
 * and wait until `/health` answers.
 *
 * @param {StartOptions} [options]
 * @returns {Promise<LocalMlflow>}
 * @throws {Error} if the install or the startup fails (the message carries server.sh's output).
 */
export async function startLocalMlflow({ startTimeoutSec, runDir, env: extraEnv = {}, stopOnExit = true, log } = {}) {
  const dir = runDir ?? path.join(HERE, '.cache', `run-node-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, ...extraEnv, MLFLOW_HOME_DIR: dir, MLFLOW_WRITE_CURRENT: '0' };
  if (startTimeoutSec) env.MLFLOW_START_TIMEOUT = String(startTimeoutSec);

  const res = await runServerSh('start', env, log);
  /** @type {Record<string, string>} */
  const vars = {};
  for (const line of res.stdout.split('\n')) {
    const m = /^(MLFLOW_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  if (res.code !== 0 || !vars.MLFLOW_URL) {
    throw new Error(`mlflow/server.sh start failed (exit ${res.code}):\n${res.stderr.trim()}\n${res.stdout.trim()}`);
  }

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stopSync = () => {
    if (stopping) return;
    spawnSync('bash', [SERVER_SH, 'stop'], { env, stdio: 'ignore', timeout: 60_000 });
  };
  if (stopOnExit) process.once('exit', stopSync);

  const stop = () => {
    if (!stopping) {
      if (stopOnExit) process.removeListener('exit', stopSync);
      stopping = runServerSh('stop', env, log).then((r) => {
        if (r.code !== 0) throw new Error(`mlflow/server.sh stop failed (exit ${r.code}):\n${r.stderr.trim()}`);
      });
    }
    return stopping;
  };

  const port = new URL(vars.MLFLOW_URL).port;
  // An outage and a recovery of the same server: same port, same database.
  const halt = async () => {
    const r = await runServerSh('stop', { ...env, MLFLOW_KEEP_RUN_DIR: '1' }, log);
    if (r.code !== 0) throw new Error(`mlflow/server.sh stop failed (exit ${r.code}):\n${r.stderr.trim()}`);
  };
  const resume = async () => {
    const r = await runServerSh('start', { ...env, MLFLOW_REUSE_RUN_DIR: '1', MLFLOW_PORT: port }, log);
    if (r.code !== 0) throw new Error(`mlflow/server.sh start failed (exit ${r.code}):\n${r.stderr.trim()}`);
  };

  return { url: vars.MLFLOW_URL, pid: Number(vars.MLFLOW_PID), runDir: vars.MLFLOW_RUN_DIR ?? dir, stop, halt, resume };
}
