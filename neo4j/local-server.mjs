// Start/stop throw-away local Neo4j Community 5.26 servers from Node (no deps, Node >= 20).
//
//   import { startLocalNeo4j } from '../neo4j/local-server.mjs';
//   const neo = await startLocalNeo4j({ heap: '512m', pagecache: '256m' });
//   // ... neo4j.driver(neo.uri, neo4j.auth.basic(neo.user, neo.password)) ...
//   await neo.stop();
//
// Each call gets its own run dir (data, logs, conf), its own free ports and its own
// random password, so parallel test processes never collide. All the work is done
// by ./server.sh (which provisions the install via ./provision.sh on first use).

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER_SH = path.join(HERE, 'server.sh');

/**
 * A running local Neo4j instance.
 * @typedef {object} LocalNeo4j
 * @property {string} uri        Bolt URI, e.g. `bolt://127.0.0.1:40123`.
 * @property {string} user       Always `neo4j`.
 * @property {string} password   Random password generated for this instance.
 * @property {string} httpUrl    HTTP base URL, e.g. `http://127.0.0.1:40124`.
 * @property {number} pid        PID of the server JVM.
 * @property {string} runDir     Directory holding this instance's conf, data and logs.
 * @property {() => Promise<void>} stop  Stops exactly this instance and deletes its run dir.
 *   Idempotent: later calls return the same promise.
 */

/**
 * Options for {@link startLocalNeo4j}.
 * @typedef {object} StartOptions
 * @property {string} [heap]       JVM heap (initial = max), e.g. `'512m'`, `'1g'`. Default `512m`
 *   (or env NEO4J_HEAP).
 * @property {string} [pagecache]  Page cache size, e.g. `'256m'`. Default `512m` (or env NEO4J_PAGECACHE).
 * @property {number} [startTimeoutSec] Seconds to wait for readiness. Default 90.
 * @property {string} [runDir]     Use this (empty or absent) directory as the run dir instead of a
 *   fresh `neo4j/.cache/run-node-*` one.
 * @property {Record<string, string>} [env] Extra env vars for server.sh (e.g. `NEO4J_EXTRA_CONF`).
 * @property {boolean} [stopOnExit] Stop the instance synchronously when the Node process exits and
 *   `stop()` was not called. Default true.
 * @property {(line: string) => void} [log] Receives server.sh progress lines (stderr). Default: ignored.
 */

/**
 * Run `bash server.sh <cmd>` with the given env; resolves with its stdout/stderr.
 * @param {'start' | 'stop' | 'status'} cmd
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
 * Parse `KEY=value` lines printed by server.sh.
 * @param {string} text
 * @returns {Record<string, string>}
 */
function parseEnvLines(text) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^(NEO4J_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Provision (first time only) and start a fresh, private Neo4j Community 5.26 server
 * on free 127.0.0.1 ports, and wait until it answers `RETURN 1`.
 *
 * Needs `java` 17/21 on PATH, and `mvn` the first time (to fetch Neo4j from Maven Central).
 *
 * @param {StartOptions} [options]
 * @returns {Promise<LocalNeo4j>}
 * @throws {Error} if provisioning or startup fails (message includes server.sh's output / log tails).
 */
export async function startLocalNeo4j({
  heap,
  pagecache,
  startTimeoutSec,
  runDir,
  env: extraEnv = {},
  stopOnExit = true,
  log,
} = {}) {
  const dir =
    runDir ??
    path.join(HERE, '.cache', `run-node-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`);

  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    ...extraEnv,
    NEO4J_HOME_DIR: dir,
    NEO4J_WRITE_CURRENT: '0', // never clobber a developer's neo4j/.cache/current.env
  };
  if (heap) env.NEO4J_HEAP = heap;
  if (pagecache) env.NEO4J_PAGECACHE = pagecache;
  if (startTimeoutSec) env.NEO4J_START_TIMEOUT = String(startTimeoutSec);

  const res = await runServerSh('start', env, log);
  const vars = parseEnvLines(res.stdout);
  if (res.code !== 0 || !vars.NEO4J_URI || !vars.NEO4J_PASSWORD) {
    throw new Error(
      `neo4j/server.sh start failed (exit ${res.code}):\n${res.stderr.trim()}\n${res.stdout.trim()}`,
    );
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
        if (r.code !== 0) {
          throw new Error(`neo4j/server.sh stop failed (exit ${r.code}):\n${r.stderr.trim()}`);
        }
      });
    }
    return stopping;
  };

  return {
    uri: vars.NEO4J_URI,
    user: vars.NEO4J_USER ?? 'neo4j',
    password: vars.NEO4J_PASSWORD,
    httpUrl: vars.NEO4J_HTTP_URL,
    pid: Number(vars.NEO4J_PID),
    runDir: vars.NEO4J_HOME_RUN ?? dir,
    stop,
  };
}
