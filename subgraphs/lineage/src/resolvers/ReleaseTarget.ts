import { appError } from '@mlops/kit';
import type { ReleaseTargetResolvers } from '../__generated__/resolvers-types.ts';
import { compareForTarget } from '../releases/compare.ts';
import { intIn } from '../validate.ts';
import { canSee } from './access.ts';
import { releasesOf } from './Release.ts';

export const ReleaseTarget: ReleaseTargetResolvers = {
  // A target of a project the caller has no role on does not exist for them.
  __resolveReference: async (ref, ctx) => {
    const t = await ctx.loaders.target.load(ref.id);
    return t && (await canSee(ctx, t.projectId)) ? t : null;
  },
  project: async (t, _a, ctx) => {
    const p = await ctx.loaders.project.load(t.projectId);
    if (!p) throw appError('NOT_FOUND', `project ${JSON.stringify(t.projectId)} of target ${JSON.stringify(t.id)} is missing`);
    return p;
  },
  servedAt: (t, { at }, ctx) => ctx.loaders.servedAt(at ?? null).load(t.id),
  comparison: (t, { maxCandidates }, ctx) => compareForTarget(ctx.releases, t, intIn('maxCandidates', maxCandidates, 1, 20, 5)),
  releases: (t, args, ctx) => releasesOf(ctx, { targetId: t.id }, args),
};
