/**
 * Deprecating a model version, end to end through the gateway on the real Neo4j: impact →
 * deprecate with a replacement → one signed webhook per affected project naming its targets →
 * a release of the deprecated version refused by the gates → a replacement wave requested,
 * approved by two others and rolled out → "still left" reaches 0 → EFFECTIVE → a rollback to
 * the deprecated version refused without an admin override; the audit trail verifies. Then
 * the access matrix and bad input, each writing nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { signWebhook } from '@mlops/subgraph-lineage';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { releaseTokens, token } from '../helpers/tokens.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { releasableTargets } from './release-suite.ts';

const P = 'pump-anomaly';
const M = 'motor-vibration';
const conn = () => {
  const c = inject('neo4j');
  return { uri: c.uri, user: c.user, password: c.password };
};

const DEPRECATE = `mutation($in: DeprecateModelVersionInput!) { deprecateModelVersion(input: $in) {
  errors { code message field }
  deprecation { id status forced effectiveAt requestedBy modelVersion { id } replacement { id }
    snapshot { targets { target { id } role } projects { project { id } owners targetIds } }
    stillLeft { target { id } role } }
} }`;
const DEP = `query($id: ID!) { deprecation(id: $id) { id status stillLeft { target { id } role } snapshot { targets { target { id } } } } }`;
const REQUEST = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) { errors { code message } release { id status gatesPassed gates { gate passed detail } } } }`;
const WAVE = `mutation($d: ID!, $p: ID!) { requestReplacementWave(deprecationId: $d, projectId: $p, strategy: HOT_SWAP) { errors { code message } release { id status modelVersion { id } gatesPassed targets { targetId previousModelVersion { id } } } } }`;
const APPROVE = `mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code message } release { id status } } }`;
const ROLLOUT = `mutation($id: ID!) { startRollout(releaseId: $id) { errors { code message } release { id status } } }`;
const EFFECTIVE = `mutation($id: ID!) { makeDeprecationEffective(deprecationId: $id) { errors { code message } deprecation { id status } } }`;
const ROLLBACK = `mutation($t: ID!, $r: String!, $o: Boolean) { rollback(targetId: $t, reason: $r, overrideDeprecation: $o) { errors { code message field } release { id } } }`;
const VERIFY = `query($id: ID!) { auditTrail(entityId: $id) { nodes { action actor reason } } verifyAuditTrail(entityId: $id) { valid events problems { problem } } }`;
const POLICY = `mutation($p: ID!, $u: String) { setReleasePolicy(projectId: $p, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10, webhookUrl: $u }) { errors { code } } }`;

async function onNeo4j(): Promise<Stack> {
  const fresh = new Neo4jLineageStore({ ...conn(), database: 'neo4j' }, createLogger('test', 'silent'));
  await fresh.init();
  await fresh.wipe();
  await fresh.close();
  // A shared 2-core machine: a cold first graph query may need more than the default 5 s.
  return startStack({ targets: 120, neo4j: conn(), neo4jQueryTimeoutMs: 30_000 });
}

/** The same suite on both release stores (Neo4j and the in-memory fallback): one contract. */
describeDeprecations('Neo4j', onNeo4j);
describeDeprecations('the in-memory store', () => startStack({ targets: 120 }));

function describeDeprecations(name: string, start: () => Promise<Stack>) {
  describe(`deprecating a model version on ${name}`, () => {
    let stack: Stack;
    let req: string, ap1: string, ap2: string, admin: string, viewer: string, otherApprover: string, motorAdmin: string;
    let receiver: WebhookReceiver;

    /** Puts a version on a target out of band (the serving platform, then the graph), as a hand-made change would. */
    const place = async (targetId: string, modelVersionId: string) => {
      await stack.connectors.inference.deploy({ targetId, modelVersionId, strategy: 'HOT_SWAP', at: new Date().toISOString() });
      const deps = (await stack.connectors.inference.deploymentsByTargets([targetId])).flat();
      await stack.store.applyBatch({
        source: 'inference',
        syncedAt: new Date().toISOString(),
        deployments: deps.map((d) => ({ id: d.id, targetId: d.targetId, modelVersionId: d.modelVersionId, from: d.since, to: d.until, trafficPercent: d.trafficPercent, state: d.state })),
      });
    };

    beforeAll(async () => {
      stack = await start();
      [req, ap1, ap2, admin] = await releaseTokens(P);
      [viewer, otherApprover, motorAdmin] = await Promise.all([
        token('vic.viewer', { [P]: 'viewer' }),
        token('otto.approver', { [M]: 'approver' }),
        token('mo.admin', { [M]: 'admin' }),
      ]);
      receiver = await startWebhookReceiver();
    }, 240_000);

    afterAll(async () => {
      await stack?.stop();
      receiver?.close();
    });

    it('impact → deprecate → one signed webhook per project → gates refuse it → wave → still left 0 → EFFECTIVE → rollback needs an override', async () => {
      const picks = releasableTargets(stack.scenario);
      const [a, b] = picks;
      const old = a!.champion;
      const repl = a!.candidate;
      const motor = stack.scenario.targets.find((t) => t.projectId === M)!.id;
      // The deprecated version also serves a second pump and a motor of another project.
      await place(b!.targetId, old);
      await place(motor, old);
      const url = receiver.url;
      expect((await stack.query(POLICY, { p: P, u: `${url}/pump` }, admin)).data.setReleasePolicy.errors).toEqual([]);
      expect((await stack.query(POLICY, { p: M, u: `${url}/motor` }, motorAdmin)).data.setReleasePolicy.errors).toEqual([]);

      const impact = await stack.query(`query($mv: ID!) { deprecationImpact(modelVersionId: $mv) { totalTargets targets { target { id } role } byProject { project { id } } } }`, { mv: old }, admin);
      expect(impact.errors).toBeUndefined();
      const expected = [a!.targetId, b!.targetId].sort();
      expect(impact.data.deprecationImpact.targets.map((t: any) => t.target.id).sort()).toEqual(expected);

      const effectiveAt = new Date(Date.now() + 6000).toISOString();
      const input = { modelVersionId: old, replacementId: repl, effectiveAt, reason: 'retrained on corrected labels', idempotencyKey: 'deprecate-key-1' };
      receiver.hooks.length = 0;
      const d1 = await stack.query(DEPRECATE, { in: input }, ap1);
      expect(d1.errors).toBeUndefined();
      expect(d1.data.deprecateModelVersion.errors).toEqual([]);
      const dep = d1.data.deprecateModelVersion.deprecation;
      expect(dep).toMatchObject({ status: 'ANNOUNCED', forced: false, requestedBy: 'arno.approver', modelVersion: { id: old }, replacement: { id: repl } });
      // An approver of pump-anomaly sees only pump-anomaly's part of the frozen impact.
      expect(dep.snapshot.targets.map((t: any) => t.target.id).sort()).toEqual(expected);
      expect(dep.snapshot.projects.map((p: any) => p.project.id)).toEqual([P]);
      expect(dep.stillLeft.map((t: any) => t.target.id).sort()).toEqual(expected);
      // The same key and arguments: the same deprecation; other arguments: a conflict.
      const again = await stack.query(DEPRECATE, { in: input }, ap1);
      expect(again.data.deprecateModelVersion.deprecation.id).toBe(dep.id);
      const other = await stack.query(DEPRECATE, { in: { ...input, reason: 'changed' } }, ap1);
      expect(other.data.deprecateModelVersion.errors[0].code).toBe('IDEMPOTENCY_CONFLICT');
      // A second announcement of the same version (another key) is refused.
      const twice = await stack.query(DEPRECATE, { in: { ...input, effectiveAt: new Date(Date.now() + 86_400_000).toISOString(), idempotencyKey: 'deprecate-key-2' } }, ap2);
      expect(twice.data.deprecateModelVersion.errors[0].code).toBe('ALREADY_DEPRECATED');

      // One signed webhook per affected project, each naming only its own targets and the replacement.
      await stack.backend.webhooks.drain();
      const notices = receiver.hooks.map((h) => ({ ...h, event: JSON.parse(h.body) })).filter((h) => h.event.type === 'deprecation.announced');
      expect(notices).toHaveLength(2);
      for (const n of notices) expect(n.signature).toBe(signWebhook('dev-only-webhook-secret', n.body));
      const byProject = Object.fromEntries(notices.map((n) => [n.event.projectId, n.event]));
      expect(byProject[P]).toMatchObject({ deprecationId: dep.id, modelVersionId: old, replacementId: repl, targetIds: expected, effectiveAt });
      expect(byProject[M]).toMatchObject({ deprecationId: dep.id, replacementId: repl, targetIds: [motor] });

      // A release of the deprecated version fails the gates, naming the deprecation and its replacement.
      const refused = await stack.query(REQUEST, { in: { modelVersionId: old, targetIds: [picks[2]!.targetId], strategy: 'HOT_SWAP' } }, req);
      expect(refused.data.requestRelease.errors).toEqual([]);
      expect(refused.data.requestRelease.release.gatesPassed).toBe(false);
      const gate = refused.data.requestRelease.release.gates.find((g: any) => g.gate === 'DEPRECATION');
      expect(gate.passed).toBe(false);
      expect(gate.detail).toContain(dep.id);
      expect(gate.detail).toContain(repl);
      await stack.query(`mutation($id: ID!) { cancelRelease(releaseId: $id) { errors { code } } }`, { id: refused.data.requestRelease.release.id }, req);

      // The motor is moved to the replacement by hand: the live list shrinks.
      await place(motor, repl);
      // A wave of the replacement to every pump still left; four-eyes as for any release.
      const w = await stack.query(WAVE, { d: dep.id, p: P }, req);
      expect(w.data.requestReplacementWave.errors).toEqual([]);
      const wave = w.data.requestReplacementWave.release;
      expect(wave.modelVersion.id).toBe(repl);
      expect(wave.gatesPassed).toBe(true);
      expect(wave.targets.map((t: any) => t.targetId).sort()).toEqual(expected);
      expect((await stack.query(APPROVE, { id: wave.id }, req)).data.approveRelease.errors[0].code).toMatch(/FORBIDDEN|FOUR_EYES/);
      expect((await stack.query(APPROVE, { id: wave.id }, ap1)).data.approveRelease.release.status).toBe('PENDING_APPROVAL');
      expect((await stack.query(APPROVE, { id: wave.id }, ap2)).data.approveRelease.release.status).toBe('APPROVED');
      const out = await stack.query(ROLLOUT, { id: wave.id }, req);
      expect(out.data.startRollout.errors).toEqual([]);
      expect(out.data.startRollout.release.status).toBe('COMPLETED');
      const live = await stack.query(DEP, { id: dep.id }, admin);
      expect(live.data.deprecation.stillLeft).toEqual([]);
      // The frozen snapshot does not move.
      expect(live.data.deprecation.snapshot.targets.map((t: any) => t.target.id).sort()).toEqual(expected);

      // EFFECTIVE once the date has passed (not before).
      let eff = await stack.query(EFFECTIVE, { id: dep.id }, ap1);
      if (eff.data.makeDeprecationEffective.errors.length) {
        expect(eff.data.makeDeprecationEffective.errors[0].code).toBe('NOT_YET');
        await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(effectiveAt) - Date.now() + 200)));
        eff = await stack.query(EFFECTIVE, { id: dep.id }, ap1);
      }
      expect(eff.data.makeDeprecationEffective.errors).toEqual([]);
      expect(eff.data.makeDeprecationEffective.deprecation.status).toBe('EFFECTIVE');
      const badge = await stack.query(`query($mv: ID!) { modelVersion(id: $mv) { deprecation { id status replacement { id } } } }`, { mv: old }, viewer);
      expect(badge.data.modelVersion.deprecation).toEqual({ id: dep.id, status: 'EFFECTIVE', replacement: { id: repl } });
      // The built-in registry carries it too: a `deprecated` tag naming the replacement, no aliases left.
      const reg = await stack.query(`query($mv: ID!) { modelVersion(id: $mv) { aliases tags { key value } } }`, { mv: old }, viewer);
      expect(reg.data.modelVersion.aliases).toEqual([]);
      expect(reg.data.modelVersion.tags).toContainEqual({ key: 'deprecated', value: repl });

      // Rolling back to it now needs an admin override with a reason.
      const rb = await stack.query(ROLLBACK, { t: a!.targetId, r: 'replacement misbehaves' }, req);
      expect(rb.data.rollback.errors[0]).toMatchObject({ code: 'DEPRECATED', field: 'overrideDeprecation' });
      expect(rb.data.rollback.errors[0].message).toContain(repl);
      const rbReq = await stack.query(ROLLBACK, { t: a!.targetId, r: 'replacement misbehaves', o: true }, req);
      expect(rbReq.data.rollback.errors[0].code).toBe('FORBIDDEN');
      const rbAdmin = await stack.query(ROLLBACK, { t: a!.targetId, r: 'replacement misbehaves', o: true }, admin);
      expect(rbAdmin.data.rollback.errors).toEqual([]);

      // The audit trails verify: the deprecation's and the wave's.
      const trail = await stack.query(VERIFY, { id: dep.id }, viewer);
      expect(trail.data.verifyAuditTrail).toMatchObject({ valid: true, events: 2 });
      expect(trail.data.auditTrail.nodes.map((n: any) => n.action)).toEqual(['deprecation.announced', 'deprecation.effective']);
      const wtrail = await stack.query(VERIFY, { id: wave.id }, viewer);
      expect(wtrail.data.verifyAuditTrail.valid).toBe(true);
      expect(wtrail.data.auditTrail.nodes.at(-1).reason).toContain(`admin override of deprecation ${dep.id}`);
    }, 120_000);

    it('refuses viewers, requesters, other projects’ approvers and bad input, writing nothing', async () => {
      const picks = releasableTargets(stack.scenario);
      const { champion: old, candidate: repl } = picks[3]!;
      const future = new Date(Date.now() + 86_400_000).toISOString();
      const base = { modelVersionId: old, replacementId: repl, effectiveAt: future, reason: 'superseded' };
      for (const who of [viewer, req, otherApprover]) {
        const r = await stack.query(DEPRECATE, { in: base }, who);
        expect(r.data.deprecateModelVersion).toMatchObject({ deprecation: null, errors: [{ code: 'FORBIDDEN' }] });
      }
      const anon = await stack.query(DEPRECATE, { in: base });
      expect(anon.data.deprecateModelVersion.errors[0].code).toBe('UNAUTHENTICATED');
      const motorFleet = stack.scenario.modelVersions.find((m) => m.projectId === M)!.id;
      const cases: [Record<string, unknown>, string, string][] = [
        [{ replacementId: 'no-such-model/1' }, 'NOT_FOUND', 'replacementId'],
        [{ replacementId: old }, 'BAD_USER_INPUT', 'replacementId'],
        [{ replacementId: motorFleet }, 'OTHER_LINEAGE', 'replacementId'],
        [{ effectiveAt: new Date(Date.now() - 60_000).toISOString() }, 'BAD_USER_INPUT', 'effectiveAt'],
        [{ reason: '  ' }, 'BAD_USER_INPUT', 'reason'],
        [{ modelVersionId: 'no-such-model/1' }, 'NOT_FOUND', 'modelVersionId'],
      ];
      for (const [change, code, field] of cases) {
        const r = await stack.query(DEPRECATE, { in: { ...base, ...change, idempotencyKey: `bad-${field}-${code}` } }, ap1);
        expect(r.errors).toBeUndefined();
        expect(r.data.deprecateModelVersion, JSON.stringify(change)).toMatchObject({ deprecation: null, errors: [{ code, field }] });
      }
      // Nothing written: no deprecation of the version, and the refused keys were not kept.
      const list = await stack.query(`query($mv: ID!) { deprecations(modelVersionId: $mv) { id } }`, { mv: old }, admin);
      expect(list.data.deprecations).toEqual([]);
      const retried = await stack.query(DEPRECATE, { in: { ...base, idempotencyKey: `bad-replacementId-OTHER_LINEAGE` } }, ap1);
      expect(retried.data.deprecateModelVersion.errors).toEqual([]);
      const id = retried.data.deprecateModelVersion.deprecation.id;

      // Another lineage is accepted with force (on another version), and a withdrawal is audited.
      const w = await stack.query(
        `mutation($id: ID!, $r: String!) { withdrawDeprecation(deprecationId: $id, reason: $r) { errors { code } deprecation { status } } }`,
        { id, r: 'postponed' },
        req,
      );
      expect(w.data.withdrawDeprecation.errors[0].code).toBe('FORBIDDEN');
      const w2 = await stack.query(
        `mutation($id: ID!, $r: String!) { withdrawDeprecation(deprecationId: $id, reason: $r) { errors { code } deprecation { status } } }`,
        { id, r: 'postponed' },
        admin,
      );
      expect(w2.data.withdrawDeprecation).toEqual({ errors: [], deprecation: { status: 'WITHDRAWN' } });
      const forced = await stack.query(DEPRECATE, { in: { ...base, replacementId: motorFleet, force: true } }, admin);
      expect(forced.data.deprecateModelVersion.errors).toEqual([]);
      expect(forced.data.deprecateModelVersion.deprecation.forced).toBe(true);
      const trail = await stack.query(VERIFY, { id }, admin);
      expect(trail.data.verifyAuditTrail).toMatchObject({ valid: true, events: 2 });
    }, 120_000);
  });
}
