import { appError } from '@mlops/kit';
import type { ReleaseTargetResolvers } from '../__generated__/resolvers-types.ts';

export const ReleaseTarget: ReleaseTargetResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.target.load(ref.id),
  project: async (t, _a, ctx) => {
    const p = await ctx.loaders.project.load(t.projectId);
    if (!p) throw appError('NOT_FOUND', `project ${JSON.stringify(t.projectId)} of target ${JSON.stringify(t.id)} is missing`);
    return p;
  },
  servedAt: (t, { at }, ctx) => ctx.loaders.servedAt(at ?? null).load(t.id),
};
