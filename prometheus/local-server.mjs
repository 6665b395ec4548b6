// Start/stop throw-away local Prometheus 2.42 servers from Node (no deps, Node >= 20).
//
//   import { startLocalPrometheus } from '../prometheus/local-server.mjs';
//   const prom = await startLocalPrometheus({ blocksDir, rulesFile, scrapeTargets: ['127.0.0.1:9999'] });
//   // ... fetch(`${prom.url}/api/v1/query?query=up`) ...
//   await prom.stop();
//
// Each call gets its own data dir and free port, so parallel test processes never collide.
// With `alertmanager: { webhookUrl, token }` an Alertmanager 0.25 is started first (its own free
// port, clustering off) routing every alert to that webhook with a bearer credential, and
// Prometheus's `alerting.alertmanagers` points at it.
// Blocks made by `promtool tsdb create-blocks-from openmetrics` (see backfill.ts) are copied into
// the data dir before the start; retention is 3y, or Prometheus deletes the backfilled year.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_RULES_FILE = path.join(HERE, 'rules', 'mlops.rules.yml');

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Installs Prometheus and Alertmanager from Debian when missing (prometheus/install.sh). */
export function ensurePrometheusInstalled() {
  const have = spawnSync('bash', ['-c', 'command -v prometheus && command -v promtool && command -v prometheus-alertmanager'], { stdio: 'ignore' });
  if (have.status === 0) return;
  const r = spawnSync('bash', [path.join(HERE, 'install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`prometheus/install.sh failed (exit ${r.status})`);
}

/**
 * @param {object} [o]
 * @param {string} [o.blocksDir]   Directory of TSDB blocks (promtool output) copied into the data dir.
 * @param {string | null} [o.rulesFile]  Alerting rules; default prometheus/rules/mlops.rules.yml, null for none.
 * @param {string[]} [o.scrapeTargets]   host:port targets scraped every second (job "live").
 * @param {number} [o.startTimeoutSec]   Seconds to wait for /-/ready. Default 120.
 * @param {{ webhookUrl: string, token: string, groupWaitSec?: number, groupIntervalSec?: number }} [o.alertmanager]
 *   Start an Alertmanager that delivers every alert (firing and resolved) to `webhookUrl`.
 * @param {(line: string) => void} [o.log]
 */
export async function startLocalPrometheus({ blocksDir, rulesFile = DEFAULT_RULES_FILE, scrapeTargets = [], startTimeoutSec = 120, alertmanager, log } = {}) {
  ensurePrometheusInstalled();
  const runDir = path.join(HERE, '.cache', `run-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}`);
  const dataDir = path.join(runDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  if (blocksDir) {
    for (const e of fs.readdirSync(blocksDir, { withFileTypes: true })) {
      // Blocks are ULID-named directories; promtool leaves nothing else worth copying.
      if (e.isDirectory() && /^[0-9A-Z]{26}$/.test(e.name)) fs.cpSync(path.join(blocksDir, e.name), path.join(dataDir, e.name), { recursive: true });
    }
  }
  const am = alertmanager ? await startAlertmanager(runDir, alertmanager, startTimeoutSec, log) : undefined;
  // A 1 s scrape and evaluation interval: a live sample fires its rule within seconds.
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    rulesFile ? `rule_files:\n  - ${JSON.stringify(path.resolve(rulesFile))}` : '',
    'scrape_configs:',
    '  - job_name: live',
    `    static_configs:\n      - targets: ${JSON.stringify(scrapeTargets)}`,
    am ? `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ${JSON.stringify([`127.0.0.1:${am.port}`])}` : '',
    '',
  ].join('\n');
  const configFile = path.join(runDir, 'prometheus.yml');
  fs.writeFileSync(configFile, config);
  const logFile = path.join(runDir, 'prometheus.log');
  let server;
  try {
    server = await startDaemon('prometheus', 'prometheus', (port) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=3y',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      // The Debian build's default console paths do not exist outside /etc/prometheus.
      '--web.console.templates=/dev/null',
      '--web.console.libraries=/dev/null',
    ], logFile, startTimeoutSec);
  } catch (e) {
    await am?.stop();
    throw e;
  }
  log?.(`[prometheus] ready at ${server.url} (data ${dataDir})`);

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      await server.stop();
      await am?.stop();
      fs.rmSync(runDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { url: server.url, port: server.port, pid: server.pid, runDir, dataDir, alertmanagerUrl: am?.url, stop };
}

/**
 * One Alertmanager 0.25 in `runDir/alertmanager`, routing every alert to the webhook.
 * @param {string} runDir
 * @param {{ webhookUrl: string, token: string, groupWaitSec?: number, groupIntervalSec?: number }} o
 * @param {number} startTimeoutSec
 * @param {((line: string) => void) | undefined} log
 */
async function startAlertmanager(runDir, o, startTimeoutSec, log) {
  const dir = path.join(runDir, 'alertmanager');
  fs.mkdirSync(dir, { recursive: true });
  // group_wait and group_interval of a second (defaults 30 s and 5 min) so a test sees a firing
  // alert and its resolution within seconds; send_resolved so the history learns when it ended;
  // max_alerts 0 sends the whole group (the receiver bounds what it accepts).
  const config = [
    'route:',
    '  receiver: gateway',
    "  group_by: ['alertname', 'deployment_id']",
    `  group_wait: ${o.groupWaitSec ?? 1}s`,
    `  group_interval: ${o.groupIntervalSec ?? 1}s`,
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: gateway',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(o.webhookUrl)}`,
    '        send_resolved: true',
    '        max_alerts: 0',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: ${JSON.stringify(o.token)}`,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(configFile, config, { mode: 0o600 });
  const server = await startDaemon('alertmanager', 'prometheus-alertmanager', (port) => [
    `--config.file=${configFile}`,
    `--storage.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Empty disables the gossip cluster (it would bind 0.0.0.0:9094 and collide across tests).
    '--cluster.listen-address=',
  ], path.join(dir, 'alertmanager.log'), startTimeoutSec);
  log?.(`[alertmanager] ready at ${server.url}`);
  return { url: server.url, port: server.port, stop: server.stop };
}

/**
 * Starts one of Debian's Prometheus binaries on a free 127.0.0.1 port, detached, logging to
 * `logFile`, and waits until `/-/ready` answers (both Prometheus and Alertmanager serve it).
 * `stop` sends SIGTERM, SIGKILL after 20 s; it is also sent when this process exits.
 * @param {string} name
 * @param {string} bin
 * @param {(port: number) => string[]} args
 * @param {string} logFile
 * @param {number} startTimeoutSec
 * @returns {Promise<{ url: string, port: number, pid: number, stop: () => Promise<void> }>}
 */
async function startDaemon(name, bin, args, logFile, startTimeoutSec) {
  const port = await freePort();
  const out = fs.openSync(logFile, 'a');
  const child = spawn(bin, args(port), { stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => { exited = true; });
  const kill = () => {
    if (!exited && child.pid) {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
  };
  process.once('exit', kill);
  const stop = async () => {
    process.removeListener('exit', kill);
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    kill();
    const t = setTimeout(() => { try { process.kill(child.pid ?? 0, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    await gone;
    clearTimeout(t);
  };
  const deadline = Date.now() + startTimeoutSec * 1000;
  for (;;) {
    if (exited) throw new Error(`${name} exited during startup:\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after ${startTimeoutSec} s (log: ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, pid: child.pid ?? 0, stop };
}
