/**
 * A live alert through a real Prometheus 2.42: the test runs a tiny exporter (an HTTP server
 * answering /metrics in the Prometheus text format) that Prometheus scrapes every second, the way
 * a model evaluation job exposes the drift it measures. Pushing a drift above 0.33 makes the
 * shipped rule MlopsDriftCritical fire; it shows in /api/v1/alerts and through the connector,
 * with its project scope, and resolves once drift is back under the limit.
 *
 * Why a scraped exporter and not the Pushgateway: drift and accuracy come from a long-running
 * evaluator; a scraped series goes stale when its evaluator stops (and the alert resolves),
 * while a pushed value stays in the Pushgateway until deleted and would keep firing. It also
 * needs no third server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPrometheus, type LocalPrometheus } from '../../../prometheus/local-server.mjs';
import { PrometheusMonitoringConnector } from './prometheus.ts';
import type { AlertModel } from './types.ts';
import { until } from '../../../test/helpers/until.ts';

const LIVE = { project: 'pump-anomaly', target_id: 'plant-a/line-9/pump-live', model_version_id: 'pump-anomaly-pump-live/2', deployment_id: 'plant-a/line-9/pump-live#1' };
const labels = Object.entries(LIVE).map(([k, v]) => `${k}="${v}"`).join(',');

let drift = 0.12;
let server: Server;
let prom: LocalPrometheus;
let c: PrometheusMonitoringConnector;

interface RuleGroup { name: string; lastEvaluation: string }
async function lastEvaluation(): Promise<number> {
  const r = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: RuleGroup[] } };
  return Date.parse(r.data.groups.find((g) => g.name === 'mlops-health')!.lastEvaluation);
}

/** Waits until Prometheus has scraped `value` and then evaluated the rules once more. */
async function scrapedAndEvaluated(value: number) {
  const seen = await until(`drift ${value} scraped`, async () => {
    const r = (await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(`mlops_drift_score{deployment_id="${LIVE.deployment_id}"}`)}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    const v = r.data.result[0]?.value;
    return v && Number(v[1]) === value ? v[0] * 1000 : undefined;
  });
  await until('a rule evaluation after the scrape', async () => ((await lastEvaluation()) > seen ? true : undefined));
}

describe('a live drift sample fires the critical rule (Prometheus + a scraped exporter)', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE mlops_drift_score gauge\nmlops_drift_score{${labels}} ${drift}\n# TYPE mlops_accuracy gauge\nmlops_accuracy{${labels}} 0.93\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    prom = await startLocalPrometheus({ scrapeTargets: [`127.0.0.1:${port}`] });
    c = new PrometheusMonitoringConnector({ url: prom.url });
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => server?.close(r));
  });

  it('under the limit nothing fires', async () => {
    await scrapedAndEvaluated(0.12);
    expect((await c.listAlerts({}, { first: 10, after: null })).items).toEqual([]);
    expect(await c.alertsByTargets([LIVE.target_id])).toEqual([[]]);
  });

  it('drift 0.41 fires MlopsDriftCritical in /api/v1/alerts and through the connector, in its project only', async () => {
    drift = 0.41;
    const alert = await until('the critical alert', async () => {
      const page = await c.listAlerts({ severity: 'CRITICAL' }, { first: 10, after: null });
      return page.items[0];
    });
    expect(alert).toMatchObject<Partial<AlertModel>>({
      id: `MlopsDriftCritical:${LIVE.deployment_id}`,
      projectId: 'pump-anomaly',
      deploymentId: LIVE.deployment_id,
      targetId: LIVE.target_id,
      severity: 'CRITICAL',
      metric: 'drift_score',
      message: `Feature drift 0.41 above 0.33 on ${LIVE.target_id}`,
      resolvedAt: null,
    });
    expect(Number.isNaN(Date.parse(alert.openedAt))).toBe(false);
    const raw = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    expect(raw.data.alerts.filter((a) => a.state === 'firing').map((a) => [a.labels.alertname, a.labels.deployment_id, a.labels.severity])).toEqual([
      ['MlopsDriftCritical', LIVE.deployment_id, 'critical'],
    ]);
    expect(await c.alertsByTargets([LIVE.target_id, 'plant-a/line-1/pump-001'])).toEqual([[alert], []]);
    expect(await c.alertsByDeployments([LIVE.deployment_id])).toEqual([[alert]]);
    expect((await c.listAlerts({ projectIds: ['pump-anomaly'] }, { first: 10, after: null })).items).toEqual([alert]);
    expect((await c.listAlerts({ projectIds: ['motor-vibration'] }, { first: 10, after: null })).items).toEqual([]);
    expect((await c.listAlerts({ severity: 'WARNING' }, { first: 10, after: null })).items).toEqual([]);
  });

  it('back under the limit, the alert resolves', async () => {
    drift = 0.2;
    await scrapedAndEvaluated(0.2);
    expect((await c.listAlerts({}, { first: 10, after: null })).items).toEqual([]);
  });
});
