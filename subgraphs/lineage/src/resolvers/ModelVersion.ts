import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';
import { intIn } from '../validate.ts';
import { onVisibleTargets } from './access.ts';
import { visibleDeprecation } from './Deprecation.ts';
import { releasesOf } from './Release.ts';

/** Entries per model version: a list of 500 versions may ask for each, so the cap stays modest. */
export const MAX_REUSE_LIMIT = 1000;

export const ModelVersion: ModelVersionResolvers = {
  // The graph answers for any id the gateway sends; unknown ids simply have no lineage.
  __resolveReference: (ref) => ({ id: ref.id }),
  trainedOn: (mv, { depth }, ctx) => ctx.loaders.trainedOn(intIn('depth', depth, 0, 6, 3)).load(mv.id),
  deployedTo: async (mv, { at }, ctx) => onVisibleTargets(ctx, await ctx.loaders.deployedTo(at ?? null).load(mv.id), (s) => s.targetId),
  // Batched: every model version of the request asking with the same limit is one store call.
  reusedBy: async (mv, { limit }, ctx) => {
    const r = await ctx.loaders.reusedBy(intIn('limit', limit, 1, MAX_REUSE_LIMIT, 200)).load(mv.id);
    return { ...r, entries: await onVisibleTargets(ctx, r.entries, (e) => e.targetId) };
  },
  releases: (mv, args, ctx) => releasesOf(ctx, { modelVersionId: mv.id }, args),
  deprecation: async (mv, _a, ctx) => visibleDeprecation(ctx, await ctx.loaders.activeDeprecation.load(mv.id)),
};
