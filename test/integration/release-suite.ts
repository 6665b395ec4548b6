/**
 * The release workflow through the gateway, as a suite run against both lineage stores:
 * end to end (compare → request → gates → two approvals → canary 10% → promote → rollback,
 * with deployments, the lineage graph, the audit trail and webhooks following each step),
 * concurrent approve/reject, tamper detection, and bad input that writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '@mlops/kit/scenario';
import { DEV_AUTH, issueToken } from '@mlops/kit';
import { signWebhook } from '@mlops/subgraph-lineage';
import type { Stack } from '../helpers/start-stack.ts';
import { releaseTokens, token } from '../helpers/tokens.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const P = 'pump-anomaly';

/** Targets of a project where the newest own model is an undeployed candidate whose gates pass. */
export function releasableTargets(s: Scenario, projectId = P) {
  const critical = new Set(s.alerts.filter((a) => a.severity === 'CRITICAL' && !a.resolvedAt).map((a) => a.targetId));
  const out: { targetId: string; candidate: string; champion: string }[] = [];
  for (const t of s.targets.filter((x) => x.projectId === projectId)) {
    if (critical.has(t.id)) continue;
    const serving = s.index.deploymentsByTarget.get(t.id)!.filter((d) => d.until === null);
    if (serving.length !== 1) continue;
    const champ = s.index.modelVersion.get(serving[0]!.modelVersionId)!;
    const cand = s.modelVersions.filter((m) => m.targetId === t.id && m.aliases.includes('candidate') && m.createdAt > champ.createdAt).at(-1);
    if (!cand || champ.targetId !== t.id || cand.metrics.f1! < champ.metrics.f1! - 0.01) continue;
    out.push({ targetId: t.id, candidate: cand.id, champion: champ.id });
  }
  return out;
}

const REQUEST = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) {
  errors { code message field }
  release { id status gatesPassed gates { gate targetId passed detail } requiredApprovals targets { targetId status previousModelVersion { id } } }
} }`;
const DECIDE = `mutation($id: ID!, $c: String, $k: String) { approveRelease(releaseId: $id, comment: $c, idempotencyKey: $k) { errors { code message } release { id status approvals { approver } } } }`;
const REJECT = `mutation($id: ID!, $c: String!) { rejectRelease(releaseId: $id, comment: $c) { errors { code message } release { id status } } }`;
const ROLLOUT = `mutation($id: ID!) { startRollout(releaseId: $id) { errors { code message } release { id status targets { targetId status } } } }`;
const PROMOTE = `mutation($id: ID!) { promoteCanary(releaseId: $id) { errors { code message } release { id status targets { status } } } }`;
const ROLLBACK = `mutation($t: ID!, $r: String!) { rollback(targetId: $t, reason: $r) { errors { code message } release { id status targets { status } } } }`;
const SERVING = `query($t: ID!) { releaseTarget(id: $t) {
  currentDeployments { trafficPercent state modelVersion { id } }
  servedAt { trafficPercent modelVersion { id } }
} }`;
const TRAIL = `query($id: ID!) { auditTrail(entityId: $id) { totalCount nodes { seq action actor reason } } verifyAuditTrail(entityId: $id) { valid events problems { eventId problem } } }`;

export function describeReleaseWorkflow(name: string, start: () => Promise<Stack>, tamper: (stack: Stack, releaseId: string, how: 'edit' | 'delete') => Promise<string>) {
  describe(`release workflow: ${name}`, () => {
    let stack: Stack;
    let req: string, ap1: string, ap2: string, admin: string;
    let receiver: WebhookReceiver;
    let picks: ReturnType<typeof releasableTargets>;

    beforeAll(async () => {
      stack = await start();
      picks = releasableTargets(stack.scenario);
      [req, ap1, ap2, admin] = await releaseTokens(P);
      receiver = await startWebhookReceiver();
    }, 240_000);

    afterAll(async () => {
      await stack?.stop();
      receiver?.close();
    });

    it('runs compare → request → gates → two approvals → canary 10% → promote → rollback, and every view follows', async () => {
      expect(picks.length).toBeGreaterThan(3);
      const { targetId, candidate, champion } = picks[0]!;
      const url = receiver.url;
      const pol = await stack.query(
        `mutation($p: ID!, $u: String) { setReleasePolicy(projectId: $p, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10, webhookUrl: $u }) { errors { code } policy { webhookUrl } } }`,
        { p: P, u: url },
        admin,
      );
      expect(pol.data.setReleasePolicy.errors).toEqual([]);

      // Compare from the release target: the champion against the candidate trained for it.
      const cmp = await stack.query(
        `query($t: ID!) { releaseTarget(id: $t) { comparison { champion { id } candidates { modelVersion { id } metrics { key champion candidate delta } datasetsAdded { id } gates { gate passed } } } } }`,
        { t: targetId },
        req,
      );
      expect(cmp.errors).toBeUndefined();
      const c = cmp.data.releaseTarget.comparison;
      expect(c.champion.id).toBe(champion);
      const cand = c.candidates.find((x: any) => x.modelVersion.id === candidate);
      expect(cand).toBeDefined();
      const f1 = cand.metrics.find((m: any) => m.key === 'f1');
      expect(f1.delta).toBeCloseTo(f1.candidate - f1.champion, 6);
      expect(cand.gates.every((g: any) => g.passed)).toBe(true);

      const key = `e2e-${name}-request-1`;
      const r1 = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 10, note: 'retrained on October data', idempotencyKey: key } }, req);
      expect(r1.data.requestRelease.errors).toEqual([]);
      const rel = r1.data.requestRelease.release;
      expect(rel.status).toBe('PENDING_APPROVAL');
      expect(rel.gatesPassed).toBe(true);
      expect(rel.gates.map((g: any) => g.gate).sort()).toEqual(['ALERTS', 'LINEAGE', 'METRIC']);
      expect(rel.targets[0].previousModelVersion.id).toBe(champion);
      // The same key and arguments again: the same release, nothing new written; other arguments: a conflict.
      const again = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 10, note: 'retrained on October data', idempotencyKey: key } }, req);
      expect(again.data.requestRelease.release.id).toBe(rel.id);
      const changed = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 10, idempotencyKey: key } }, req);
      expect(changed.data.requestRelease.errors[0].code).toBe('IDEMPOTENCY_CONFLICT');

      const own = await stack.query(DECIDE, { id: rel.id }, req);
      expect(own.data.approveRelease.errors[0].code).toMatch(/FORBIDDEN|FOUR_EYES/);
      const a1 = await stack.query(DECIDE, { id: rel.id, c: 'metrics look good', k: 'approve-once-1' }, ap1);
      expect(a1.data.approveRelease.release.status).toBe('PENDING_APPROVAL');
      const a1again = await stack.query(DECIDE, { id: rel.id, c: 'metrics look good', k: 'approve-once-1' }, ap1);
      expect(a1again.data.approveRelease.release.approvals).toHaveLength(1);
      const a2 = await stack.query(DECIDE, { id: rel.id }, ap2);
      expect(a2.data.approveRelease.errors).toEqual([]);
      expect(a2.data.approveRelease.release.status).toBe('APPROVED');

      const out = await stack.query(ROLLOUT, { id: rel.id }, req);
      expect(out.data.startRollout.errors).toEqual([]);
      expect(out.data.startRollout.release.status).toBe('CANARY');
      let view = (await stack.query(SERVING, { t: targetId }, req)).data.releaseTarget;
      const split = (xs: any[]) => Object.fromEntries(xs.map((d) => [d.modelVersion.id, d.trafficPercent]));
      expect(split(view.currentDeployments)).toEqual({ [candidate]: 10, [champion]: 90 });
      expect(split(view.servedAt)).toEqual({ [candidate]: 10, [champion]: 90 });

      const prom = await stack.query(PROMOTE, { id: rel.id }, req);
      expect(prom.data.promoteCanary.release.status).toBe('COMPLETED');
      view = (await stack.query(SERVING, { t: targetId }, req)).data.releaseTarget;
      expect(split(view.currentDeployments)).toEqual({ [candidate]: 100 });
      expect(split(view.servedAt)).toEqual({ [candidate]: 100 });

      const rb = await stack.query(ROLLBACK, { t: targetId, r: 'false alarms on night shift' }, req);
      expect(rb.data.rollback.errors).toEqual([]);
      expect(rb.data.rollback.release.status).toBe('ROLLED_BACK');
      view = (await stack.query(SERVING, { t: targetId }, req)).data.releaseTarget;
      expect(split(view.currentDeployments)).toEqual({ [champion]: 100 });
      expect(split(view.servedAt)).toEqual({ [champion]: 100 });
      // The graph keeps the history: the candidate's spans on this target, canary then promoted, now closed.
      const hist = await stack.query(`query($m: ID!) { modelVersion(id: $m) { releases { totalCount } } deploymentsOf: releaseTarget(id: "${targetId}") { deploymentHistory(first: 10) { nodes { modelVersion { id } trafficPercent until } } } }`, { m: candidate }, req);
      expect(hist.data.modelVersion.releases.totalCount).toBe(1);
      const candSpans = hist.data.deploymentsOf.deploymentHistory.nodes.filter((d: any) => d.modelVersion.id === candidate);
      expect(candSpans.map((d: any) => d.trafficPercent).sort((a: number, b: number) => a - b)).toEqual([10, 100]);
      expect(candSpans.every((d: any) => d.until !== null)).toBe(true);

      const trail = await stack.query(TRAIL, { id: rel.id }, req);
      expect(trail.data.auditTrail.nodes.map((e: any) => e.action)).toEqual([
        'release.requested',
        'approval.added',
        'release.approved',
        'rollout.started',
        'rollout.canary',
        'promotion.started',
        'rollout.completed',
        'target.rolled_back',
      ]);
      expect(trail.data.auditTrail.nodes.map((e: any) => e.actor)).toEqual([
        'rita.requester', 'arno.approver', 'beth.approver', 'rita.requester', 'rita.requester', 'rita.requester', 'rita.requester', 'rita.requester',
      ]);
      expect(trail.data.verifyAuditTrail).toEqual({ valid: true, events: 8, problems: [] });

      // One signed webhook per state change, delivered in the background.
      await stack.backend.webhooks.drain();
      const mine = receiver.hooks.filter((h) => JSON.parse(h.body).releaseId === rel.id);
      expect(mine.map((h) => JSON.parse(h.body).type)).toEqual(trail.data.auditTrail.nodes.map((e: any) => e.action));
      for (const h of mine) expect(h.signature).toBe(signWebhook('dev-only-webhook-secret', h.body));
    });

    it('ends 50 parallel approve/reject calls in exactly one terminal state, one audit event per applied change', async () => {
      const { targetId, candidate } = picks[1]!;
      const r = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
      const id = r.data.requestRelease.release.id;
      const users = await Promise.all(Array.from({ length: 50 }, (_, i) => token(`approver-${i}`, { [P]: 'approver' })));
      const results = await Promise.all(
        users.map((t, i) => (i % 2 === 0 ? stack.query(DECIDE, { id, c: `ok ${i}` }, t) : stack.query(REJECT, { id, c: `no ${i}` }, t))),
      );
      const payloads = results.map((x, i) => (i % 2 === 0 ? x.data.approveRelease : x.data.rejectRelease));
      const applied = payloads.filter((p) => p.errors.length === 0).length;
      for (const p of payloads.filter((p) => p.errors.length)) expect(p.errors[0].code).toBe('INVALID_STATE');
      const trail = await stack.query(TRAIL, { id }, req);
      const actions = trail.data.auditTrail.nodes.map((e: any) => e.action);
      expect(actions.length).toBe(1 + applied);
      const terminal = actions.filter((a: string) => a === 'release.approved' || a === 'release.rejected');
      expect(terminal).toHaveLength(1);
      const final = (await stack.query(`query($id: ID!) { release(id: $id) { status } }`, { id }, req)).data.release.status;
      expect(final).toBe(terminal[0] === 'release.approved' ? 'APPROVED' : 'REJECTED');
      expect(trail.data.verifyAuditTrail.valid).toBe(true);
      expect(trail.data.auditTrail.nodes.map((e: any) => e.seq)).toEqual(actions.map((_: unknown, i: number) => i + 1));
    });

    it('detects an edited and a deleted audit event and names them', async () => {
      const { targetId, candidate } = picks[2]!;
      const r = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId], strategy: 'HOT_SWAP' } }, req);
      const id = r.data.requestRelease.release.id;
      await stack.query(DECIDE, { id }, ap1);
      await stack.query(DECIDE, { id }, ap2);
      await stack.query(`mutation($id: ID!) { cancelRelease(releaseId: $id, reason: "window moved") { errors { code } } }`, { id }, req);
      const ok = await stack.query(TRAIL, { id }, req);
      expect(ok.data.verifyAuditTrail.valid).toBe(true);
      expect(ok.data.verifyAuditTrail.events).toBe(4);

      const edited = await tamper(stack, id, 'edit');
      const bad = await stack.query(TRAIL, { id }, req);
      expect(bad.data.verifyAuditTrail.valid).toBe(false);
      expect(bad.data.verifyAuditTrail.problems.map((p: any) => p.eventId)).toContain(edited);
      expect(bad.data.verifyAuditTrail.problems.find((p: any) => p.eventId === edited).problem).toMatch(/edited/);

      const deleted = await tamper(stack, id, 'delete');
      const worse = await stack.query(TRAIL, { id }, req);
      expect(worse.data.verifyAuditTrail.valid).toBe(false);
      expect(worse.data.verifyAuditTrail.problems.map((p: any) => p.problem).join(' ')).toMatch(/deleted/);
      expect(deleted).toBeTruthy();
    });

    it('releases a wave (a project and a filter) as one release with a status per target, and never rolls out unapproved', async () => {
      const line = stack.scenario.targets.find((t) => t.projectId === P)!.line;
      const expected = stack.scenario.targets.filter((t) => t.projectId === P && t.line === line).map((t) => t.id).sort();
      const base = stack.scenario.modelVersions.find((m) => m.id === 'pump-anomaly-fleet/2')!;
      const r = await stack.query(REQUEST, { in: { modelVersionId: base.id, wave: { projectId: P, filter: { line } }, strategy: 'CANARY', canaryPercent: 5 } }, req);
      expect(r.data.requestRelease.errors).toEqual([]);
      const rel = r.data.requestRelease.release;
      expect(rel.targets.map((t: any) => t.targetId).sort()).toEqual(expected);
      expect(new Set(rel.targets.map((t: any) => t.status))).toEqual(new Set(['PENDING']));
      expect(rel.gates.filter((g: any) => g.gate === 'METRIC')).toHaveLength(expected.length);
      const histories = async () =>
        (await stack.query(`query($t: ID!) { releaseTarget(id: $t) { deploymentHistory(first: 1) { totalCount } } }`, { t: expected[0] }, req)).data.releaseTarget.deploymentHistory.totalCount;
      const before = await histories();
      const early = await stack.query(ROLLOUT, { id: rel.id }, req);
      expect(early.data.startRollout.errors[0].code).toBe('INVALID_STATE');
      expect(await histories()).toBe(before);
      const trail = await stack.query(TRAIL, { id: rel.id }, req);
      expect(trail.data.auditTrail.nodes.map((e: any) => e.action)).toEqual(['release.requested']);
    });

    it('refuses bad input with a clear error each, and writes nothing', async () => {
      const { targetId, candidate } = picks[3]!;
      const other = stack.scenario.modelVersions.find((m) => m.tags.project === 'motor-vibration' && m.targetId)!;
      const count = async () => (await stack.query(`{ releases(projectId: "${P}", first: 500) { totalCount } }`, {}, admin)).data.releases.totalCount;
      const before = await count();
      const cases: [Record<string, unknown>, string, string | null][] = [
        [{ modelVersionId: candidate, targetIds: ['plant-a/line-9/pump-999'] }, 'NOT_FOUND', 'targetIds'],
        [{ modelVersionId: other.id, targetIds: [targetId] }, 'BAD_USER_INPUT', 'modelVersionId'],
        [{ modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 0 }, 'BAD_USER_INPUT', 'canaryPercent'],
        [{ modelVersionId: candidate, targetIds: [targetId], strategy: 'CANARY', canaryPercent: 100 }, 'BAD_USER_INPUT', 'canaryPercent'],
        [{ modelVersionId: 'no-such-model/1', targetIds: [targetId] }, 'NOT_FOUND', 'modelVersionId'],
        [{ modelVersionId: candidate }, 'BAD_USER_INPUT', 'targetIds'],
      ];
      for (const [input, code, field] of cases) {
        const res = await stack.query(REQUEST, { in: input }, req);
        expect(res.data.requestRelease.release, JSON.stringify(input)).toBeNull();
        expect(res.data.requestRelease.errors[0].code, JSON.stringify(input)).toBe(code);
        expect(res.data.requestRelease.errors[0].field).toBe(field);
      }
      const expired = await token('rita.requester', { [P]: 'requester' }, -60);
      const forged = await issueToken({ issuer: DEV_AUTH.issuer, audience: DEV_AUTH.audience, secret: 'x'.repeat(40) }, { sub: 'mallory', roles: { '*': 'admin' } });
      for (const [t, why] of [[expired, 'expired'], [forged, 'signature'], ['not-a-jwt', 'Bearer']] as const) {
        const res = await stack.query(REQUEST, { in: { modelVersionId: candidate, targetIds: [targetId] } }, t);
        expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(res.errors?.[0]?.message).toContain(why);
      }
      expect(await count()).toBe(before);
    });
  });
}
