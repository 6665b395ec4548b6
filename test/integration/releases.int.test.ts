/** The release workflow suite on the in-memory fallback store, plus the access matrix. */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { Role } from '@mlops/kit';
import { MemoryReleaseStore } from '../../subgraphs/lineage/src/releases/memory-store.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { describeReleaseWorkflow, releasableTargets } from './release-suite.ts';

describeReleaseWorkflow(
  'memory',
  () => startStack({ targets: 120 }),
  async (stack, releaseId, how) => {
    const store = stack.backend.releases.releases as MemoryReleaseStore;
    const events = store.events.get(releaseId)!;
    if (how === 'edit') {
      events[1] = { ...events[1]!, actor: 'someone.else' };
      return events[1]!.id;
    }
    const [gone] = events.splice(2, 1);
    return gone!.id;
  },
);

type Op = 'see' | 'request' | 'approve' | 'reject' | 'override' | 'rollout' | 'cancel' | 'policy';
const NEEDS: Record<Op, Role> = { see: 'viewer', request: 'requester', approve: 'approver', reject: 'approver', override: 'admin', rollout: 'requester', cancel: 'admin', policy: 'admin' };
const RANK: Record<Role, number> = { 'platform-writer': 0, viewer: 1, requester: 2, approver: 3, admin: 4 };

describe('access matrix: role × project × operation', () => {
  let stack: Stack;
  let setup: string;
  let others: string[];
  beforeAll(async () => {
    stack = await startStack({ targets: 240 });
    setup = await token('setup.admin', { '*': 'admin' });
    others = await Promise.all([token('other.approver.1', { '*': 'approver' }), token('other.approver.2', { '*': 'approver' })]);
  }, 120_000);
  afterAll(async () => stack?.stop());

  const REQ = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) { errors { code message } release { id } } }`;

  it('allows exactly the cells the roles grant, four-eyes included', async () => {
    const pools = { 'pump-anomaly': releasableTargets(stack.scenario, 'pump-anomaly'), 'motor-vibration': releasableTargets(stack.scenario, 'motor-vibration') };
    const used = { 'pump-anomaly': 0, 'motor-vibration': 0 };
    /** A fresh release in `project`, requested by the setup admin and (optionally) approved by two others. */
    const fresh = async (project: 'pump-anomaly' | 'motor-vibration', approved: boolean, gatesFail = false) => {
      const pick = pools[project][used[project]++ % pools[project].length]!;
      const modelVersionId = gatesFail ? stack.scenario.modelVersions.find((m) => m.targetId === pick.targetId && m.version === 1)!.id : pick.candidate;
      const r = await stack.query(REQ, { in: { modelVersionId, targetIds: [pick.targetId], strategy: 'HOT_SWAP' } }, setup);
      const id = r.data.requestRelease.release.id as string;
      if (approved) for (const t of others) await stack.query(`mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code } } }`, { id }, t);
      return { id, pick };
    };
    const cells: string[] = [];
    for (const role of ['viewer', 'requester', 'approver', 'admin'] as Role[]) {
      const me = await token(`user.${role}`, { 'pump-anomaly': role });
      for (const project of ['pump-anomaly', 'motor-vibration'] as const) {
        for (const op of Object.keys(NEEDS) as Op[]) {
          const allowed = project === 'pump-anomaly' && RANK[role] >= RANK[NEEDS[op]];
          let errors: { code: string }[] = [];
          let visible = true;
          if (op === 'see') {
            const { pick } = { pick: pools[project][0]! };
            const res = await stack.query(`query($t: ID!) { releaseTarget(id: $t) { id } releases(projectId: "${project}") { totalCount } }`, { t: pick.targetId }, me);
            visible = res.data.releaseTarget !== null;
            if (!visible) expect(res.data.releases.totalCount).toBe(0);
          } else if (op === 'request') {
            const pick = pools[project][used[project]++ % pools[project].length]!;
            errors = (await stack.query(REQ, { in: { modelVersionId: pick.candidate, targetIds: [pick.targetId], strategy: 'HOT_SWAP' } }, me)).data.requestRelease.errors;
          } else if (op === 'approve' || op === 'reject') {
            const { id } = await fresh(project, false);
            const q = op === 'approve' ? `mutation($id: ID!) { r: approveRelease(releaseId: $id) { errors { code } } }` : `mutation($id: ID!) { r: rejectRelease(releaseId: $id, comment: "no") { errors { code } } }`;
            errors = (await stack.query(q, { id }, me)).data.r.errors;
          } else if (op === 'override') {
            const { id } = await fresh(project, false, true);
            errors = (await stack.query(`mutation($id: ID!) { r: overrideGates(releaseId: $id, reason: "accepted risk") { errors { code } } }`, { id }, me)).data.r.errors;
          } else if (op === 'rollout') {
            const { id } = await fresh(project, true);
            errors = (await stack.query(`mutation($id: ID!) { r: startRollout(releaseId: $id) { errors { code } } }`, { id }, me)).data.r.errors;
          } else if (op === 'cancel') {
            // Someone else's release: only an admin may cancel it (the requester may cancel their own).
            const { id } = await fresh(project, false);
            errors = (await stack.query(`mutation($id: ID!) { r: cancelRelease(releaseId: $id) { errors { code } } }`, { id }, me)).data.r.errors;
          } else {
            errors = (await stack.query(
              `mutation($p: ID!) { r: setReleasePolicy(projectId: $p, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10 }) { errors { code } } }`,
              { p: project },
              me,
            )).data.r.errors;
          }
          const ok = op === 'see' ? visible : errors.length === 0;
          expect(ok, `${role} × ${project} × ${op}: ${JSON.stringify(errors)}`).toBe(allowed);
          if (!ok && op !== 'see') expect(['FORBIDDEN', 'NOT_FOUND'], `${role} × ${project} × ${op}`).toContain(errors[0]!.code);
          cells.push(`${role}/${project}/${op}`);
        }
      }
    }
    expect(cells).toHaveLength(4 * 2 * 8);

    // Graph questions do not leak another project's targets or releases either.
    const outsider = await token('olga.outsider', { 'motor-vibration': 'approver' });
    const champ = stack.scenario.modelVersions.find((m) => m.tags.project === 'pump-anomaly' && m.aliases.includes('champion'))!;
    const raw = stack.scenario.datasetVersions.find((d) => d.datasetId === 'pump-anomaly-fleet-raw')!;
    const probe = `query($m: ID!, $d: ID!) {
      deprecationImpact(modelVersionId: "pump-anomaly-base/2") { totalTargets targets { target { id } } derivedTargets { target { id } } pendingReleases { releaseId } byProject { project { id } } }
      fleet: deprecationImpact(modelVersionId: "pump-anomaly-fleet/2") { totalTargets pendingReleases { releaseId } }
      modelVersion(id: $m) { deployedTo { target { id } } reusedBy { entries { target { id } } } }
      datasetVersion(id: $d) { usedBy { targets { id } } }
      lineage(rootId: $m, depth: 3) { nodes { id type } edges { from to } }
      targetsNotOn(modelName: "pump-anomaly-fleet", minVersion: 2) { totalCount nodes { id } }
      releases(first: 100) { totalCount nodes { id } }
    }`;
    const asOutsider = await stack.query(probe, { m: champ.id, d: raw.id }, outsider);
    expect(asOutsider.errors).toBeUndefined();
    expect(JSON.stringify(asOutsider.data)).not.toContain('plant-a/');
    expect(asOutsider.data.deprecationImpact.totalTargets).toBe(0);
    const asInsider = await stack.query(probe, { m: champ.id, d: raw.id }, setup);
    expect(asInsider.data.deprecationImpact.totalTargets).toBeGreaterThan(0);
    expect(asInsider.data.modelVersion.deployedTo.length).toBeGreaterThan(0);
    expect(asInsider.data.lineage.nodes.some((n: any) => n.type === 'ReleaseTarget')).toBe(true);
    const twoProjects = await token('tom.two', { 'motor-vibration': 'viewer', 'energy-forecast': 'viewer' });
    const unscoped = await stack.query(`{ targetsNotOn(modelName: "x", minVersion: 1) { totalCount } }`, {}, twoProjects);
    expect(unscoped.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Four-eyes: an approver who requested a release cannot approve it, even with the role.
    const both = await token('sam.both', { 'pump-anomaly': 'approver' });
    const pick = pools['pump-anomaly'][used['pump-anomaly']++ % pools['pump-anomaly'].length]!;
    const mine = (await stack.query(REQ, { in: { modelVersionId: pick.candidate, targetIds: [pick.targetId], strategy: 'HOT_SWAP' } }, both)).data.requestRelease.release.id;
    const self = await stack.query(`mutation($id: ID!) { approveRelease(releaseId: $id) { errors { code message } } }`, { id: mine }, both);
    expect(self.data.approveRelease.errors[0].code).toBe('FOUR_EYES');
    const why = await stack.query(`query($id: ID!) { release(id: $id) { approvability { canApprove reason } } }`, { id: mine }, both);
    expect(why.data.release.approvability).toEqual({ canApprove: false, reason: expect.stringContaining('four-eyes') });
  });
});
