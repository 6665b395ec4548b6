import { pageRequest, toConnection } from '@mlops/kit';
import type { ProjectResolvers } from '../__generated__/resolvers-types.ts';
import { safeText } from '../validate.ts';
import { canSee } from './access.ts';

export const Project: ProjectResolvers = {
  __resolveReference: async (ref, ctx) => {
    const p = await ctx.loaders.project.load(ref.id);
    return p && (await canSee(ctx, p.id)) ? p : null;
  },
  releaseTargets: async (p, { filter, first, after }, ctx) => {
    const kind = `ReleaseTarget:${p.id}`;
    const req = pageRequest(kind, { first, after });
    const f = { line: safeText('filter.line', filter?.line), plant: safeText('filter.plant', filter?.plant), search: safeText('filter.search', filter?.search) };
    return toConnection(kind, await ctx.store.listTargets(p.id, f, req), req.after !== null);
  },
  policy: (p, _a, ctx) => ctx.releases.policy(p.id),
  releases: async (p, { status, first, after }, ctx) => {
    const kind = `ProjectReleases:${p.id}:${status ?? '*'}`;
    const req = pageRequest(kind, { first, after });
    return toConnection(kind, await ctx.releases.releases.listReleases({ projectIds: [p.id], status: status ?? null }, req), req.after !== null);
  },
};
