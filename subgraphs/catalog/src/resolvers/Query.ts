import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

// Project scope: the loaders answer null for what no visible project uses, and the list passes
// the caller's projects to the catalog so pages and totals count only what the caller may see.
export const Query: QueryResolvers = {
  dataset: (_p, { id }, ctx) => ctx.loaders.dataset.load(id),
  datasetVersion: (_p, { id }, ctx) => ctx.loaders.version.load(id),
  datasets: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Dataset', { first, after }, (req) => ctx.connector.listDatasets({ ...filter, projectIds: ctx.projectIds }, req));
  },
};
