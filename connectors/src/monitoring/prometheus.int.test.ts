/**
 * The MonitoringConnector contract over a real Prometheus 2.42 (Debian; prometheus/install.sh
 * when missing): the 9-target scenario slice is backfilled with promtool (health evaluations of
 * every deployment, hourly series over the last 150 days), the blocks are copied into a fresh
 * data dir, and the server starts on a free port with the shipped rules. The built-in platform
 * runs the same suite over the same slice (builtin.contract.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getScenario } from '@mlops/kit';
import { startLocalPrometheus } from '../../../prometheus/local-server.mjs';
import { backfill } from '../../../prometheus/backfill.ts';
import { describeMonitoringConnectorContract } from './contract.ts';
import { PrometheusMonitoringConnector } from './prometheus.ts';

let requests = 0;
const counting: typeof fetch = (input, init) => {
  requests++;
  return fetch(input, init);
};
let stop: () => Promise<void> = async () => {};

describeMonitoringConnectorContract(
  'prometheus',
  async () => {
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const scenario = getScenario({ targets: 9 });
    const seriesFrom = new Date(Date.parse(scenario.options.anchor) - 150 * 86_400_000).toISOString();
    const blocks = mkdtempSync(path.join(tmpdir(), 'mlops-blocks-'));
    let t = Date.now();
    const b = await backfill({ scenario, outDir: blocks, seriesFrom });
    log(`[test] backfilled ${b.samples} samples (OpenMetrics ${b.writeMs} ms, promtool ${b.promtoolMs} ms)`);
    t = Date.now();
    const prom = await startLocalPrometheus({ blocksDir: blocks });
    rmSync(blocks, { recursive: true, force: true });
    stop = prom.stop;
    log(`[test] Prometheus ready at ${prom.url} in ${Date.now() - t} ms`);
    return {
      connector: new PrometheusMonitoringConnector({ url: prom.url, fetch: counting, timeoutMs: 30_000 }),
      scenario,
      // Backfilled history never fires a rule: Prometheus holds no alert for the slice.
      alerts: [],
      seriesFrom,
      cleanup: () => stop(),
    };
  },
  { requests: () => requests, stopPlatform: () => stop(), openTimeoutMs: 300_000 },
);
