import { hasRole, normalizeSubject, pagedConnection } from '@mlops/kit';
import type { Context } from '../context.ts';
import { visible } from './access.ts';
import type {
  CallerResolvers,
  CandidateResolvers,
  ReleasePayloadResolvers,
  ReleaseResolvers,
  ReleaseTargetStateResolvers,
  TargetComparisonResolvers,
} from '../__generated__/resolvers-types.ts';

export const Release: ReleaseResolvers = {
  modelVersion: (r) => ({ id: r.modelVersionId }),
  project: (r, _a, ctx) => ctx.loaders.project.load(r.projectId),
  gatesPassed: (r) => r.gates.every((g) => g.passed),
  approvability: async (r, _a, ctx) => {
    const who = await ctx.caller();
    if (r.status !== 'PENDING_APPROVAL') return { canApprove: false, reason: `the release is ${r.status}` };
    if (!hasRole(who, r.projectId, 'approver')) return { canApprove: false, reason: 'you are not an approver of this project' };
    const me = normalizeSubject(who.sub);
    if (normalizeSubject(r.requestedBy) === me) return { canApprove: false, reason: 'you requested this release; another approver must approve it (four-eyes)' };
    if (r.approvals.some((a) => normalizeSubject(a.approver) === me)) return { canApprove: false, reason: 'you already decided on this release' };
    if (!r.gates.every((g) => g.passed) && !r.override) return { canApprove: false, reason: 'gates failed; an admin must override them first' };
    return { canApprove: true, reason: null };
  },
  auditTrail: async (r, { first, after }, ctx) => {
    const kind = `Audit:${r.id}`;
    return pagedConnection(kind, { first, after }, (req) => ctx.releases.releases.auditTrail(r.id, req));
  },
};

export const ReleaseTargetState: ReleaseTargetStateResolvers = {
  target: (t, _a, ctx) => ctx.loaders.target.load(t.targetId),
  previousModelVersion: (t) => (t.previousModelVersionId ? { id: t.previousModelVersionId } : null),
};

export const ReleasePayload: ReleasePayloadResolvers = {
  release: (o, _a, ctx) => (o.releaseId ? ctx.loaders.release.clear(o.releaseId).load(o.releaseId) : null),
};

export const Caller: CallerResolvers = {
  id: (c) => c.sub,
  roles: (c) => Object.entries(c.roles).map(([projectId, role]) => ({ projectId, role })),
};

export const TargetComparison: TargetComparisonResolvers = {
  champion: (c) => (c.championId ? { id: c.championId } : null),
};

export const Candidate: CandidateResolvers = {
  modelVersion: (c) => ({ id: c.modelVersionId }),
  datasetsAdded: (c) => c.datasetsAdded.map((id) => ({ id })),
  datasetsRemoved: (c) => c.datasetsRemoved.map((id) => ({ id })),
};

/** Releases of a target or a model version, limited to projects the caller may see. */
export async function releasesOf(
  ctx: Context,
  filter: { targetId?: string; modelVersionId?: string },
  args: { first?: number | null; after?: string | null },
) {
  const kind = `Releases:${filter.targetId ?? ''}:${filter.modelVersionId ?? ''}`;
  const projectIds = await visible(ctx);
  return pagedConnection(kind, args, (req) => ctx.releases.releases.listReleases({ projectIds, ...filter }, req));
}
