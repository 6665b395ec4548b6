import { pagedConnection } from '@mlops/kit';
import type { DatasetResolvers } from '../__generated__/resolvers-types.ts';

export const Dataset: DatasetResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.dataset.load(ref.id),
  versions: async (d, { first, after }, ctx) => {
    return pagedConnection(`DatasetVersion:${d.id}`, { first, after }, (req) => ctx.connector.listVersions({ datasetId: d.id, projectIds: ctx.projectIds }, req));
  },
  latestVersion: (d, _a, ctx) => ctx.loaders.latest.load(d.id),
};
