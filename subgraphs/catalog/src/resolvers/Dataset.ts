import { pageRequest, toConnection } from '@mlops/kit';
import type { DatasetResolvers } from '../__generated__/resolvers-types.ts';

export const Dataset: DatasetResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.dataset.load(ref.id),
  versions: async (d, { first, after }, ctx) => {
    const req = pageRequest(`DatasetVersion:${d.id}`, { first, after });
    return toConnection(`DatasetVersion:${d.id}`, await ctx.connector.listVersions(d.id, req), req.after !== null);
  },
  latestVersion: (d, _a, ctx) => ctx.loaders.latest.load(d.id),
};
