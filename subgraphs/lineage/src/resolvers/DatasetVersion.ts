import type { DatasetUsageResolvers, DatasetVersionResolvers } from '../__generated__/resolvers-types.ts';
import { intIn } from '../validate.ts';
import { onVisibleTargets } from './access.ts';
import { loadTargets } from './refs.ts';

/** Entries per list per dataset version: many versions may ask at once, so the cap stays modest. */
export const MAX_USAGE_LIMIT = 1000;

export const DatasetVersion: DatasetVersionResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  usedBy: (dv, { limit }, ctx) => ctx.loaders.usedBy(intIn('limit', limit, 1, MAX_USAGE_LIMIT, 500)).load(dv.id),
};

export const DatasetUsage: DatasetUsageResolvers = {
  runs: (u) => u.runIds.map((id) => ({ id })),
  modelVersions: (u) => u.modelVersionIds.map((id) => ({ id })),
  targets: async (u, _a, ctx) => onVisibleTargets(ctx, await loadTargets(ctx, u.targetIds), (t) => t.id),
};
