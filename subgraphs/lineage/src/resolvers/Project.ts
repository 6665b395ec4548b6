import { pagedConnection } from '@mlops/kit';
import type { ProjectResolvers } from '../__generated__/resolvers-types.ts';
import { targetFilter } from '../validate.ts';
import { canSee } from './access.ts';

export const Project: ProjectResolvers = {
  __resolveReference: async (ref, ctx) => {
    const p = await ctx.loaders.project.load(ref.id);
    return p && (await canSee(ctx, p.id)) ? p : null;
  },
  releaseTargets: async (p, { filter, first, after }, ctx) => {
    const f = targetFilter(filter);
    return pagedConnection(`ReleaseTarget:${p.id}`, { first, after }, (req) => ctx.store.listTargets(p.id, f, req));
  },
  policy: (p, _a, ctx) => ctx.releases.policy(p.id),
  releases: async (p, { status, first, after }, ctx) => {
    const kind = `ProjectReleases:${p.id}:${status ?? '*'}`;
    return pagedConnection(kind, { first, after }, (req) => ctx.releases.releases.listReleases({ projectIds: [p.id], status: status ?? null }, req));
  },
};
