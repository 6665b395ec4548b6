/**
 * The release workflow over a real MLServer 1.7.1 through the gateway: the embedded stack with
 * the MLServer inference connector (the other platforms built-in over the same 60-target slice).
 * The target's champion is first put on the server (MLServer keeps no history: this is the
 * deployment state the scenario says), then request → two approvals → startRollout hot-swaps on
 * the real server → its answers come from the candidate → rollback → the champion answers again;
 * a CANARY request is refused before any approval is spent; the audit trail verifies. Then
 * MLServer is stopped before a rollout: the release FAILS, the champion is still recorded as
 * serving, and after a restart (same address, same model repository) a new release completes.
 * Last, a version unloaded on MLServer by hand is found by the periodic sync pass (which calls
 * the connector's reconcile) and the lineage graph stops showing it as serving, with no request.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScenario } from '@mlops/kit';
import { type MlserverInferenceConnector, modelNameOf, modelVersionIdOf } from '@mlops/connectors/inference';
import { startLocalMlserver, type LocalMlserver } from '../../mlserver/local-server.mjs';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { releaseTokens, token } from '../helpers/tokens.ts';
import { mlserverConnectorFor, servedAnswer } from '../helpers/mlserver.ts';
import { releasableTargets } from './release-suite.ts';

const TARGETS = 60;
const P = 'pump-anomaly';
const log = (l: string) => process.stderr.write(`${l}\n`);

let mls: LocalMlserver | undefined;
let stack: Stack | undefined;
let connector: MlserverInferenceConnector;

const REQUEST = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) {
  errors { code message field }
  release { id status gatesPassed gates { gate passed detail } targets { targetId status previousModelVersion { id } } }
} }`;
const DECIDE = `mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code message } release { id status } } }`;
const ROLLOUT = `mutation($id: ID!) { startRollout(releaseId: $id) { errors { code message } release { id status targets { targetId status } } } }`;
const ROLLBACK = `mutation($t: ID!, $r: String!) { rollback(targetId: $t, reason: $r) { errors { code message } release { id status } } }`;
const SERVING = `query($t: ID!) { releaseTarget(id: $t) { currentDeployments { trafficPercent state modelVersion { id } } } }`;
const TRAIL = `query($id: ID!) { auditTrail(entityId: $id) { nodes { action reason } } verifyAuditTrail(entityId: $id) { valid problems { problem } } }`;

const answer = (targetId: string) => servedAnswer(connector, targetId);

/** Versions of the target's model loaded and READY on the server. */
async function loaded(targetId: string): Promise<string[]> {
  const name = modelNameOf(targetId);
  const index = (await (await fetch(`${mls!.url}/v2/repository/index`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { name: string; version: string }[];
  const out: string[] = [];
  for (const i of index.filter((x) => x.name === name)) {
    const r = await fetch(`${mls!.url}/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(i.version)}/ready`);
    await r.arrayBuffer();
    if (r.status === 200) out.push(modelVersionIdOf(i.version));
  }
  return out.sort();
}

beforeAll(async () => {
  mls = await startLocalMlserver({ log, keepRunDir: true });
  const scenario = getScenario({ targets: TARGETS });
  connector = mlserverConnectorFor(mls, scenario);
  stack = await startStack({ targets: TARGETS, neo4j: null, inference: connector });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await mls?.stop();
  if (mls) rmSync(mls.runDir, { recursive: true, force: true });
});

describe('release workflow over a real MLServer', () => {
  it('the API says what the platform can do: HOT_SWAP and ROLLBACK only, and a CANARY default policy is refused', async () => {
    const admin = await token('ada.admin', { [P]: 'admin' });
    const targetId = stack!.scenario.targets.find((t) => t.projectId === P)!.id;
    const res = await stack!.query(`query($p: ID!, $t: ID!) { project(id: $p) { supportedStrategies } releaseTarget(id: $t) { supportedStrategies } }`, { p: P, t: targetId }, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ project: { supportedStrategies: ['HOT_SWAP', 'ROLLBACK'] }, releaseTarget: { supportedStrategies: ['HOT_SWAP', 'ROLLBACK'] } });
    const pol = await stack!.query(
      `mutation($p: ID!) { setReleasePolicy(projectId: $p, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10 }) { policy { defaultStrategy } errors { code message field } } }`,
      { p: P },
      admin,
    );
    expect(pol.data.setReleasePolicy).toEqual({
      policy: null,
      errors: [{ code: 'BAD_USER_INPUT', field: 'policy.defaultStrategy', message: 'the serving platform cannot do a CANARY rollout; it supports HOT_SWAP, ROLLBACK' }],
    });
  });

  it('request → two approvals → rollout hot-swaps on the server → rollback restores the champion; CANARY refused up front', async () => {
    const [req, ap1, ap2, admin] = await releaseTokens(P);
    const picks = releasableTargets(stack!.scenario, P);
    expect(picks.length).toBeGreaterThan(0);
    const { targetId, candidate, champion } = picks[0]!;

    // The scenario's deployment state on the real server: the champion serves the target.
    await connector.deploy({ targetId, modelVersionId: champion, strategy: 'HOT_SWAP' });
    expect(await answer(targetId)).toBe(champion);

    const pol = await stack!.query(
      `mutation($p: ID!) { setReleasePolicy(projectId: $p, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: HOT_SWAP, defaultCanaryPercent: 10 }) { errors { code message } } }`,
      { p: P },
      admin,
    );
    expect(pol.data.setReleasePolicy.errors).toEqual([]);

    // MLServer cannot split traffic: refused at request time, nothing written, nothing on the server changed.
    const canary = await stack!.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 10 } }, req);
    expect(canary.data.requestRelease.release).toBeNull();
    expect(canary.data.requestRelease.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'strategy', message: expect.stringMatching(/CANARY.*supports HOT_SWAP, ROLLBACK/) })]);
    expect(await loaded(targetId)).toEqual([champion]);

    const r = await stack!.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
    expect(r.data.requestRelease.errors).toEqual([]);
    const rel = r.data.requestRelease.release;
    expect(rel.status).toBe('PENDING_APPROVAL');
    expect(rel.gatesPassed).toBe(true);
    expect(rel.targets[0].previousModelVersion.id).toBe(champion);
    for (const t of [ap1, ap2]) expect((await stack!.query(DECIDE, { id: rel.id }, t)).data.approveRelease.errors).toEqual([]);
    expect(await answer(targetId)).toBe(champion);

    const out = await stack!.query(ROLLOUT, { id: rel.id }, req);
    expect(out.data.startRollout.errors).toEqual([]);
    expect(out.data.startRollout.release.status).toBe('COMPLETED');
    expect(await answer(targetId)).toBe(candidate);
    expect(await loaded(targetId)).toEqual([candidate]);
    const view = (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget;
    expect(view.currentDeployments).toEqual([{ trafficPercent: 100, state: 'ACTIVE', modelVersion: { id: candidate } }]);

    const rb = await stack!.query(ROLLBACK, { t: targetId, r: 'false alarms on night shift' }, req);
    expect(rb.data.rollback.errors).toEqual([]);
    expect(rb.data.rollback.release.status).toBe('ROLLED_BACK');
    expect(await answer(targetId)).toBe(champion);
    expect(await loaded(targetId)).toEqual([champion]);
    const after = (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget;
    expect(after.currentDeployments).toEqual([{ trafficPercent: 100, state: 'ACTIVE', modelVersion: { id: champion } }]);

    const history = (await connector.deploymentsByTargets([targetId]))[0]!;
    expect(history.map((d) => [d.modelVersionId, d.state, d.strategy])).toEqual([
      [champion, 'ACTIVE', 'ROLLBACK'],
      [candidate, 'ROLLED_BACK', 'HOT_SWAP'],
      [champion, 'RETIRED', 'HOT_SWAP'],
    ]);
    const trail = await stack!.query(TRAIL, { id: rel.id }, admin);
    expect(trail.data.verifyAuditTrail).toEqual({ valid: true, problems: [] });
    expect(trail.data.auditTrail.nodes.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['release.requested', 'rollout.completed']));
  }, 120_000);

  it('MLServer stopped before the rollout: the release FAILS, the champion is still recorded; after a restart a new release completes', async () => {
    const [req, ap1, ap2] = await releaseTokens(P);
    const picks = releasableTargets(stack!.scenario, P);
    const { targetId, candidate, champion } = picks[1] ?? picks[0]!;
    if (connector.endpointOf(targetId) === null) await connector.deploy({ targetId, modelVersionId: champion, strategy: 'HOT_SWAP' });
    expect(await answer(targetId)).toBe(champion);
    const approved = async () => {
      const r = await stack!.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
      expect(r.data.requestRelease.errors).toEqual([]);
      const id = r.data.requestRelease.release.id as string;
      for (const t of [ap1, ap2]) expect((await stack!.query(DECIDE, { id }, t)).data.approveRelease.errors).toEqual([]);
      return id;
    };

    const first = await approved();
    const { url, grpcPort, metricsPort, runDir } = mls!;
    await mls!.stop();
    const out = await stack!.query(ROLLOUT, { id: first }, req);
    expect(out.data.startRollout.errors).toEqual([]);
    expect(out.data.startRollout.release).toMatchObject({ status: 'FAILED', targets: [{ targetId, status: 'FAILED' }] });
    const view = (await stack!.query(SERVING, { t: targetId }, req)).data.releaseTarget;
    expect(view.currentDeployments).toEqual([{ trafficPercent: 100, state: 'ACTIVE', modelVersion: { id: champion } }]);
    const trail = (await stack!.query(TRAIL, { id: first }, req)).data;
    expect(trail.auditTrail.nodes.find((e: { action: string }) => e.action === 'rollout.failed').reason).toMatch(/^0 of 1 target\(s\) deployed; .*: mlserver unavailable: MLServer is unreachable/);
    expect(trail.verifyAuditTrail.valid).toBe(true);

    mls = await startLocalMlserver({ log, runDir, keepRunDir: true, ports: { http: Number(new URL(url).port), grpc: grpcPort, metrics: metricsPort } });
    expect(await answer(targetId)).toBe(champion);
    expect(await loaded(targetId)).toEqual([champion]);
    const second = await approved();
    const done = await stack!.query(ROLLOUT, { id: second }, req);
    expect(done.data.startRollout.errors).toEqual([]);
    expect(done.data.startRollout.release.status).toBe('COMPLETED');
    expect(await answer(targetId)).toBe(candidate);
    expect(await loaded(targetId)).toEqual([candidate]);
  }, 180_000);

  it('the periodic sync pass reconciles with MLServer: a version unloaded by hand stops serving in the graph, without a request', async () => {
    const viewer = await token('vera.viewer', { [P]: 'viewer' });
    const used = new Set(releasableTargets(stack!.scenario, P).slice(0, 2).map((p) => p.targetId));
    const projectOf = new Map(stack!.scenario.targets.map((t) => [t.id, t.projectId]));
    const dep = stack!.scenario.deployments.find((d) => d.until === null && d.trafficPercent === 100 && !used.has(d.targetId) && projectOf.get(d.targetId) === P)!;
    const { targetId, modelVersionId } = dep;
    await connector.deploy({ targetId, modelVersionId, strategy: 'HOT_SWAP' });
    await stack!.sync.runOnce();
    const SERVED = `query($t: ID!) { releaseTarget(id: $t) { servedAt { modelVersion { id } to } currentDeployments { modelVersion { id } } } }`;
    const before = (await stack!.query(SERVED, { t: targetId }, viewer)).data.releaseTarget;
    expect(before).toEqual({ servedAt: [{ modelVersion: { id: modelVersionId }, to: null }], currentDeployments: [{ modelVersion: { id: modelVersionId } }] });

    // Behind the connector's back: unloaded straight on the server.
    const r = await fetch(`${mls!.url}/v2/repository/models/${encodeURIComponent(modelNameOf(targetId))}/unload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    expect(await loaded(targetId)).toEqual([]);

    // The same pass the sync loop's timer runs (no request to the inference subgraph in between).
    const reports = await stack!.sync.runOnce();
    expect(reports.find((x) => x.platform === 'inference')).toMatchObject({ outsideChanges: 1 });
    expect(connector.outsideChanges().at(-1)).toMatchObject({ kind: 'UNLOADED_OUTSIDE_CONNECTOR', targetId, modelVersionId });
    const after = (await stack!.query(SERVED, { t: targetId }, viewer)).data.releaseTarget;
    expect(after).toEqual({ servedAt: [], currentDeployments: [] });
    // A pass with nothing new behind its back finds nothing.
    expect((await stack!.sync.runOnce()).find((x) => x.platform === 'inference')).toMatchObject({ outsideChanges: 0 });
  }, 120_000);
});
