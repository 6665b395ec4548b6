/**
 * Alertmanager delivers to the monitoring subgraph, and a resolved alert keeps its history:
 * a live exporter scraped by a real Prometheus 2.42 fires MlopsDriftCritical, a real
 * Alertmanager 0.25 delivers it (bearer token, webhook_configs) to `POST /webhooks/alertmanager`
 * on the subgraph's own HTTP server, the alert resolves, and the Prometheus connector (and the
 * subgraph's `alerts` query) then shows it with its resolvedAt, where before it vanished.
 * Forged, unauthenticated and malformed deliveries are refused and leave the history file
 * byte-for-byte unchanged; a redelivery adds nothing.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import type { Listening } from '@mlops/kit/server';
import { execute } from '@mlops/kit/testing';
import { AlertHistory, PrometheusMonitoringConnector, type AlertModel, type AlertTransition } from '@mlops/connectors/monitoring';
import { startLocalPrometheus, type LocalPrometheus } from '../../../prometheus/local-server.mjs';
import { ALERTMANAGER_PATH, alertmanagerRoutes } from './alertmanager-webhook.ts';
import { monitoring } from './server.ts';
import { until } from '../../../test/helpers/until.ts';

const LIVE = { project: 'pump-anomaly', target_id: 'plant-a/line-9/pump-am', model_version_id: 'pump-anomaly-pump-am/2', deployment_id: 'plant-a/line-9/pump-am#1' };
const labels = Object.entries(LIVE).map(([k, v]) => `${k}="${v}"`).join(',');
const TOKEN = 'alertmanager-test-token-0123456789abcdef';
const INTERNAL_KEY = 'internal-key-for-the-alertmanager-test-0123';

let drift = 0.12;
let exporter: Server;
let prom: LocalPrometheus;
let sub: Listening;
let dir: string;
let history: AlertHistory;
let c: PrometheusMonitoringConnector;
let hookUrl: string;

const transition = (status: AlertTransition['status']) => until(`a ${status} delivery`, async () => (await history.all()).find((t) => t.status === status && t.alertname === 'MlopsDriftCritical'), 60_000);
const post = (body: string, auth?: string) =>
  fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body });
const fileBytes = () => readFileSync(history.file, 'utf8');

beforeAll(async () => {
  exporter = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE mlops_drift_score gauge\nmlops_drift_score{${labels}} ${drift}\n`);
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  dir = mkdtempSync(path.join(tmpdir(), 'mlops-alert-history-'));
  history = new AlertHistory({ dir });
  const logger = createLogger('t', 'silent');
  // The receiver's URL must exist before Alertmanager starts, and Prometheus's only after: the
  // listening server's GraphQL is not what this test asks (its queries go through createServer).
  const unused = new PrometheusMonitoringConnector({ url: 'http://127.0.0.1:9' });
  sub = await monitoring.start(unused, { host: '127.0.0.1', port: 0, logger, internalKey: INTERNAL_KEY, routes: alertmanagerRoutes({ token: TOKEN, history, logger }) });
  hookUrl = `http://127.0.0.1:${sub.port}${ALERTMANAGER_PATH}`;
  prom = await startLocalPrometheus({ scrapeTargets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`], alertmanager: { webhookUrl: hookUrl, token: TOKEN } });
  c = new PrometheusMonitoringConnector({ url: prom.url, alertHistory: history });
}, 180_000);
afterAll(async () => {
  await prom?.stop();
  await sub?.stop();
  await new Promise((r) => exporter?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Alertmanager → the monitoring subgraph → an alert history', () => {
  let fired: AlertTransition;

  it('a firing alert is delivered with the bearer token and recorded', async () => {
    drift = 0.41;
    fired = await transition('firing');
    expect(fired).toMatchObject({ deploymentId: LIVE.deployment_id, targetId: LIVE.target_id, projectId: 'pump-anomaly', severity: 'CRITICAL', metric: 'drift_score', endsAt: null });
    expect(fired.message).toBe(`Feature drift 0.41 above 0.33 on ${LIVE.target_id}`);
    const open = (await c.listAlerts({}, { first: 10, after: null })).items;
    expect(open.map((a) => [a.id, a.resolvedAt])).toEqual([[`MlopsDriftCritical:${LIVE.deployment_id}`, null]]);
  });

  it('once resolved, the connector still shows it, with resolvedAt (openOnly=false)', async () => {
    drift = 0.2;
    const resolved = await transition('resolved');
    expect(resolved.startsAt).toBe(fired.startsAt);
    expect(resolved.fingerprint).toBe(fired.fingerprint);
    expect(Date.parse(resolved.endsAt!)).toBeGreaterThanOrEqual(Date.parse(resolved.startsAt));
    // Prometheus may still list it as firing for a moment after Alertmanager heard it resolved.
    await until('Prometheus to stop firing it', async () => ((await c.listAlerts({}, { first: 10, after: null })).items.length === 0 ? true : undefined), 60_000);
    const expected: AlertModel = {
      id: `MlopsDriftCritical:${LIVE.deployment_id}@${fired.startsAt}`,
      projectId: 'pump-anomaly',
      deploymentId: LIVE.deployment_id,
      targetId: LIVE.target_id,
      severity: 'CRITICAL',
      metric: 'drift_score',
      message: fired.message,
      openedAt: fired.startsAt,
      resolvedAt: resolved.endsAt,
    };
    expect((await c.listAlerts({ openOnly: false }, { first: 10, after: null })).items).toEqual([expected]);
    expect((await c.listAlerts({ openOnly: false, projectIds: ['motor-vibration'] }, { first: 10, after: null })).items).toEqual([]);
    expect(await c.alertsByTargets([LIVE.target_id])).toEqual([[expected]]);
    expect(await c.alertsByDeployments([LIVE.deployment_id])).toEqual([[expected]]);

    // And through the subgraph's GraphQL (the schema's default is open alerts only).
    const s = monitoring.createServer(c, createLogger('t', 'silent'));
    const q = 'query($open: Boolean) { alerts(filter: { openOnly: $open }) { edges { node { id openedAt resolvedAt } } } }';
    const all = await execute(s.server, await s.context(), q, { open: false });
    expect(all.errors).toBeUndefined();
    expect(all.data).toEqual({ alerts: { edges: [{ node: { id: expected.id, openedAt: expected.openedAt, resolvedAt: expected.resolvedAt } }] } });
    const open = await execute(s.server, await s.context(), q, { open: true });
    expect(open.data).toEqual({ alerts: { edges: [] } });
  });

  it('a redelivery is idempotent', async () => {
    const before = fileBytes();
    const records = await history.all();
    const r = records.find((t) => t.status === 'resolved')!;
    const payload = {
      version: '4', groupKey: 'g', status: 'resolved', receiver: 'gateway', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
      alerts: [{
        status: 'resolved', startsAt: r.startsAt, endsAt: r.endsAt, fingerprint: r.fingerprint, generatorURL: '',
        labels: { alertname: 'MlopsDriftCritical', severity: 'critical', metric: 'drift_score', ...LIVE }, annotations: { summary: r.message },
      }],
    };
    const res = await post(JSON.stringify(payload), `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ added: 0, duplicates: 1, ignored: 0 });
    expect(fileBytes()).toBe(before);
  });

  it('forged, unauthenticated and malformed deliveries are refused, the history unchanged', async () => {
    const before = fileBytes();
    const forged = {
      version: '4', groupKey: 'g', status: 'firing', receiver: 'gateway', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://evil',
      alerts: [{ status: 'firing', startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', fingerprint: 'deadbeefdeadbeef', labels: { alertname: 'MlopsDriftCritical', ...LIVE }, annotations: {} }],
    };
    for (const auth of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, TOKEN]) {
      const res = await post(JSON.stringify(forged), auth);
      expect(res.status, `authorization ${auth}`).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
    }
    const malformed = { ...forged, version: '3', alerts: [{ ...forged.alerts[0], status: 'gone', startsAt: 'yesterday', fingerprint: 'XYZ' }, { labels: {} }] };
    const res = await post(JSON.stringify(malformed), `Bearer ${TOKEN}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.error).toBe('invalid Alertmanager delivery');
    for (const p of ['version:', 'alerts.0.status:', 'alerts.0.startsAt:', 'alerts.0.fingerprint:', 'alerts.1.status:', 'alerts.1.startsAt:', 'alerts.1.fingerprint:']) {
      expect(body.problems.some((x) => x.startsWith(p)), `a problem at ${p} in ${JSON.stringify(body.problems)}`).toBe(true);
    }
    const notJson = await post('{"version": "4",', `Bearer ${TOKEN}`);
    expect(notJson.status).toBe(400);
    const huge = await post(JSON.stringify({ ...forged, pad: 'x'.repeat(1_100_000) }), `Bearer ${TOKEN}`);
    expect(huge.status).toBe(413);
    expect(fileBytes()).toBe(before);
    expect((await c.listAlerts({ openOnly: false }, { first: 10, after: null })).items).toHaveLength(1);
  });
});
