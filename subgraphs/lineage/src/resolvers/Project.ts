import { pageRequest, toConnection } from '@mlops/kit';
import type { ProjectResolvers } from '../__generated__/resolvers-types.ts';

export const Project: ProjectResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.project.load(ref.id),
  releaseTargets: async (p, { filter, first, after }, ctx) => {
    const kind = `ReleaseTarget:${p.id}`;
    const req = pageRequest(kind, { first, after });
    return toConnection(kind, await ctx.store.listTargets(p.id, filter ?? {}, req), req.after !== null);
  },
};
