import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';
import { intIn } from '../validate.ts';
import { onVisibleTargets } from './access.ts';
import { releasesOf } from './Release.ts';

export const ModelVersion: ModelVersionResolvers = {
  // The graph answers for any id the gateway sends; unknown ids simply have no lineage.
  __resolveReference: (ref) => ({ id: ref.id }),
  trainedOn: (mv, { depth }, ctx) => ctx.loaders.trainedOn(intIn('depth', depth, 0, 6, 3)).load(mv.id),
  deployedTo: async (mv, { at }, ctx) => onVisibleTargets(ctx, await ctx.loaders.deployedTo(at ?? null).load(mv.id), (s) => s.targetId),
  // One graph query per model version asked: reuse is a per-root question, not a list field.
  reusedBy: async (mv, { limit }, ctx) => {
    const r = await ctx.store.reusedBy(mv.id, intIn('limit', limit, 1, 5000, 200));
    return { ...r, entries: await onVisibleTargets(ctx, r.entries, (e) => e.targetId) };
  },
  releases: (mv, args, ctx) => releasesOf(ctx, { modelVersionId: mv.id }, args),
};
