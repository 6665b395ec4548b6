import { appError, existing } from '@mlops/kit';
import type { DatasetVersionResolvers } from '../__generated__/resolvers-types.ts';

export const DatasetVersion: DatasetVersionResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.version.load(ref.id),
  dataset: async (v, _a, ctx) => {
    const d = await ctx.loaders.dataset.load(v.datasetId);
    // A version whose dataset is gone is a catalog integrity problem, not the client's.
    if (!d) throw appError('NOT_FOUND', `dataset ${JSON.stringify(v.datasetId)} of version ${JSON.stringify(v.id)} is missing from the catalog`);
    return d;
  },
  derivedFrom: async (v, _a, ctx) => existing(await ctx.loaders.version.loadMany(v.derivedFrom)),
};
