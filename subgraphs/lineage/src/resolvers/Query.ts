import { pageRequest, toConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  project: (_p, { id }, ctx) => ctx.loaders.project.load(id),
  releaseTarget: (_p, { id }, ctx) => ctx.loaders.target.load(id),
  projects: async (_p, { first, after }, ctx) => {
    const req = pageRequest('Project', { first, after });
    return toConnection('Project', await ctx.store.listProjects(req), req.after !== null);
  },
  releaseTargets: async (_p, { projectId, filter, first, after }, ctx) => {
    const kind = `ReleaseTarget:${projectId ?? '*'}`;
    const req = pageRequest(kind, { first, after });
    return toConnection(kind, await ctx.store.listTargets(projectId ?? null, filter ?? {}, req), req.after !== null);
  },
};
