import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  dataset: (_p, { id }, ctx) => ctx.loaders.dataset.load(id),
  datasetVersion: (_p, { id }, ctx) => ctx.loaders.version.load(id),
  datasets: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Dataset', { first, after }, (req) => ctx.connector.listDatasets(filter ?? {}, req));
  },
};
