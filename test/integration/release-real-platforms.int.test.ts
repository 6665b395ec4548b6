/**
 * The release workflow end to end over three real platforms at once, through the gateway:
 * training on a real MLflow (seeded with the 60-target slice), serving on a real MLServer and
 * monitoring on a real Prometheus with the shipped rules. Prometheus scrapes MLServer's own
 * metrics port and a small evaluator exporter (the drift a model evaluation job measures; see
 * connectors/src/monitoring/prometheus-alert.int.test.ts for why scraped, not pushed).
 *
 * compare → request → two approvals → rollout hot-swaps on MLServer → the server answers from
 * the candidate, and Prometheus sees the requests MLServer served with it → the evaluator's drift
 * goes above 0.33, the live rule fires, and the next release's ALERTS gate fails naming it →
 * rollback → the champion answers again; every audit trail verifies.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getScenario } from '@mlops/kit';
import { type MlserverInferenceConnector, modelNameOf, modelVersionIdOf } from '@mlops/connectors/inference';
import { PrometheusMonitoringConnector } from '@mlops/connectors/monitoring';
import { MlflowTrainingConnector } from '@mlops/connectors/training';
import { startLocalMlflow, type LocalMlflow } from '../../mlflow/local-server.mjs';
import { seedMlflow } from '../../mlflow/seed.ts';
import { startLocalMlserver, type LocalMlserver } from '../../mlserver/local-server.mjs';
import { startLocalPrometheus, type LocalPrometheus } from '../../prometheus/local-server.mjs';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { releaseTokens } from '../helpers/tokens.ts';
import { mlserverConnectorFor, servedAnswer } from '../helpers/mlserver.ts';
import { wipeNeo4j } from '../helpers/neo4j-wipe.ts';
import { releasableTargets } from './release-suite.ts';

const TARGETS = 60;
const P = 'pump-anomaly';
const log = (l: string) => process.stderr.write(`${l}\n`);

let mlflow: LocalMlflow | undefined;
let mls: LocalMlserver | undefined;
let prom: LocalPrometheus | undefined;
let exporter: Server | undefined;
let stack: Stack | undefined;
let inference: MlserverInferenceConnector;
/** What the evaluator exporter publishes: one drift gauge per watched deployment. */
const drift = new Map<string, { labels: Record<string, string>; value: number }>();

const COMPARE = `query($t: ID!) { releaseTarget(id: $t) { comparison { champion { id } candidates { modelVersion { id } gates { gate passed } metrics { key champion candidate } } } } }`;
const REQUEST = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) {
  errors { code message field }
  release { id status gatesPassed gates { gate targetId passed detail } }
} }`;
const DECIDE = `mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code message } release { id status } } }`;
const ROLLOUT = `mutation($id: ID!) { startRollout(releaseId: $id) { errors { code message } release { id status } } }`;
const ROLLBACK = `mutation($t: ID!, $r: String!) { rollback(targetId: $t, reason: $r) { errors { code message } release { id status } } }`;
const SERVING = `query($t: ID!) { releaseTarget(id: $t) { currentDeployments { id trafficPercent state modelVersion { id name } } alerts(first: 10) { nodes { severity message } } } }`;
const TRAIL = `query($id: ID!) { auditTrail(entityId: $id) { nodes { action } } verifyAuditTrail(entityId: $id) { valid problems { problem } } }`;

const answer = (targetId: string) => servedAnswer(inference, targetId);

async function promQuery(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = (await (await fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return r.data.result;
}

beforeAll(async () => {
  // A live evaluator publishes both what the connector reads (the mlops_health_* gauges of the
  // latest evaluation) and the series the alerting rules watch (mlops_drift_score).
  exporter = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    const lines: string[] = [];
    for (const { labels, value } of drift.values()) {
      const l = `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
      lines.push(`mlops_drift_score${l} ${value}`, `mlops_health_drift${l} ${value}`, `mlops_health_accuracy${l} 0.93`, `mlops_health_evaluated_at_seconds${l} ${Math.floor(Date.now() / 1000)}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => exporter!.listen(0, '127.0.0.1', r));
  [mlflow, mls] = await Promise.all([startLocalMlflow({ log }), startLocalMlserver({ log, keepRunDir: true })]);
  prom = await startLocalPrometheus({ scrapeTargets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`, `127.0.0.1:${mls.metricsPort}`] });
  await seedMlflow({ url: mlflow.url, targets: TARGETS });
  const scenario = getScenario({ targets: TARGETS });
  inference = mlserverConnectorFor(mls, scenario);
  const c = inject('neo4j');
  await wipeNeo4j(c);
  stack = await startStack({
    targets: TARGETS,
    neo4j: { uri: c.uri, user: c.user, password: c.password },
    syncIntervalMs: 0,
    training: new MlflowTrainingConnector({ url: mlflow.url }),
    inference,
    monitoring: new PrometheusMonitoringConnector({ url: prom.url }),
  });
}, 900_000);

afterAll(async () => {
  await stack?.stop();
  await wipeNeo4j(inject('neo4j'));
  await Promise.all([mlflow?.stop(), mls?.stop(), prom?.stop()]);
  if (mls) rmSync(mls.runDir, { recursive: true, force: true });
  await new Promise((r) => exporter?.close(r));
});

describe('release over real MLflow, MLServer and Prometheus', () => {
  it('rolls out on MLServer, a live Prometheus alert blocks the next release, rollback restores the champion; audit verifies', async () => {
    const [req, ap1, ap2, admin] = await releaseTokens(P);
    const { targetId, candidate, champion } = releasableTargets(stack!.scenario, P)[0]!;
    // The scenario's deployment state on the real server (MLServer keeps no history of its own).
    await inference.deploy({ targetId, modelVersionId: champion, strategy: 'HOT_SWAP' });
    await stack!.sync.runOnce();
    expect(await answer(targetId)).toBe(champion);

    // Compare: the champion against the candidates, metrics read from MLflow.
    const compared = await stack!.query(COMPARE, { t: targetId }, req);
    expect(compared.errors).toBeUndefined();
    const cmp = compared.data.releaseTarget.comparison;
    expect(cmp.champion.id).toBe(champion);
    const cand = cmp.candidates.find((x: { modelVersion: { id: string } }) => x.modelVersion.id === candidate);
    expect(cand.gates.every((g: { passed: boolean }) => g.passed)).toBe(true);
    const f1 = cand.metrics.find((m: { key: string }) => m.key === 'f1');
    expect(f1.candidate).toBe(stack!.scenario.index.modelVersion.get(candidate)!.metrics.f1);

    // Request → two approvals → rollout: the real server answers from the candidate.
    const r = await stack!.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
    expect(r.data.requestRelease.errors).toEqual([]);
    const rel = r.data.requestRelease.release;
    expect(rel.gatesPassed).toBe(true);
    for (const t of [ap1, ap2]) expect((await stack!.query(DECIDE, { id: rel.id }, t)).data.approveRelease.errors).toEqual([]);
    expect((await stack!.query(ROLLOUT, { id: rel.id }, req)).data.startRollout.release.status).toBe('COMPLETED');
    for (let i = 0; i < 5; i++) expect(await answer(targetId)).toBe(candidate);
    const live = (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget;
    expect(live.currentDeployments).toEqual([{ id: expect.any(String), trafficPercent: 100, state: 'ACTIVE', modelVersion: { id: candidate, name: candidate.split('/')[0] } }]);

    // The evaluator starts watching the new deployment: drift 0.12, nothing fires.
    const deploymentId = live.currentDeployments[0].id as string;
    const labels = { project: P, target_id: targetId, model_version_id: candidate, deployment_id: deploymentId };
    drift.set(deploymentId, { labels, value: 0.12 });
    await expect.poll(async () => (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget.alerts?.nodes, { timeout: 30_000, interval: 500 }).toEqual([]);

    // Prometheus scraped MLServer's own counters: the requests above, served by the candidate.
    await expect
      .poll(async () => (await promQuery(`model_infer_request_success_total{model="${modelNameOf(targetId)}"}`)).map((s) => [modelVersionIdOf(s.metric.version!), Number(s.value[1]) >= 5]), { timeout: 30_000, interval: 500 })
      .toContainEqual([candidate, true]);

    // The evaluator measures drift 0.41 on the new deployment: the live rule fires.
    drift.set(deploymentId, { labels, value: 0.41 });
    await expect
      .poll(async () => (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget.alerts?.nodes, { timeout: 30_000, interval: 500 })
      .toEqual([{ severity: 'CRITICAL', message: `Feature drift 0.41 above 0.33 on ${targetId}` }]);

    // The next release to this target is stopped by the ALERTS gate, naming the alert.
    const next = await stack!.query(REQUEST, { in: { modelVersionId: champion, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
    const gates = next.data.requestRelease.release?.gates ?? [];
    expect(next.data.requestRelease.release?.gatesPassed ?? false).toBe(false);
    expect(gates.find((g: { gate: string }) => g.gate === 'ALERTS')).toEqual({ gate: 'ALERTS', targetId, passed: false, detail: `open critical alert: Feature drift 0.41 above 0.33 on ${targetId}` });

    // Rollback: the champion answers again, on the server and through the gateway.
    const rb = await stack!.query(ROLLBACK, { t: targetId, r: 'drift 0.41 after the swap' }, req);
    expect(rb.data.rollback.errors).toEqual([]);
    expect(rb.data.rollback.release.status).toBe('ROLLED_BACK');
    expect(await answer(targetId)).toBe(champion);
    const after = (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget;
    expect(after.currentDeployments.map((d: { modelVersion: { id: string } }) => d.modelVersion.id)).toEqual([champion]);

    for (const id of [rel.id, rb.data.rollback.release.id]) {
      const trail = (await stack!.query(TRAIL, { id }, admin)).data;
      expect(trail.verifyAuditTrail).toEqual({ valid: true, problems: [] });
      expect(trail.auditTrail.nodes.length).toBeGreaterThan(0);
    }
  }, 300_000);
});
