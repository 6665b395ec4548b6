import { pageRequest, toConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  dataset: (_p, { id }, ctx) => ctx.loaders.dataset.load(id),
  datasetVersion: (_p, { id }, ctx) => ctx.loaders.version.load(id),
  datasets: async (_p, { filter, first, after }, ctx) => {
    const req = pageRequest('Dataset', { first, after });
    return toConnection('Dataset', await ctx.connector.listDatasets(filter ?? {}, req), req.after !== null);
  },
};
