import { pagedConnection, badInput } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

const MAX_COMPARE = 10;
/** Metrics where lower is better; everything else is higher-is-better. */
const LOWER_IS_BETTER = new Set(['loss', 'rmse', 'mae', 'log_loss']);

// Project scope: the loaders answer null for another project's entity, and every list passes
// the caller's projects to the platform so pages and totals count only what the caller may see.
export const Query: QueryResolvers = {
  modelVersion: (_p, { id }, ctx) => ctx.loaders.modelVersion.load(id),
  trainingRun: (_p, { id }, ctx) => ctx.loaders.run.load(id),
  modelVersions: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('ModelVersion', { first, after }, (req) => ctx.connector.listModelVersions({ ...filter, projectIds: ctx.projectIds }, req));
  },
  trainingRuns: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('TrainingRun', { first, after }, (req) => ctx.connector.listRuns({ ...filter, projectIds: ctx.projectIds }, req));
  },
  compareModelVersions: async (_p, { ids }, ctx) => {
    if (ids.length < 2 || ids.length > MAX_COMPARE) throw badInput('ids', `give 2 to ${MAX_COMPARE} model version ids, got ${ids.length}`);
    if (new Set(ids).size !== ids.length) throw badInput('ids', 'ids must be distinct');
    const versions = await ctx.loaders.modelVersion.loadMany(ids);
    const models = versions.map((v) => (v instanceof Error || !v ? null : v));
    const keys = [...new Set(models.flatMap((m) => (m ? Object.keys(m.metrics) : [])))].sort();
    const metrics = keys.map((key) => {
      const values = models.map((m) => m?.metrics[key] ?? null);
      const baseline = values[0] ?? null;
      const deltas = values.map((v) => (v === null || baseline === null ? null : Math.round((v - baseline) * 1e6) / 1e6));
      let best: string | null = null;
      let bestValue: number | null = null;
      values.forEach((v, i) => {
        if (v === null) return;
        const better = bestValue === null || (LOWER_IS_BETTER.has(key) ? v < bestValue : v > bestValue);
        if (better) {
          bestValue = v;
          best = ids[i]!;
        }
      });
      return { key, values, deltas, best };
    });
    return { modelVersions: models, metrics };
  },
};
