import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';
import { intIn } from '../validate.ts';
import { releasesOf } from './Release.ts';

export const ModelVersion: ModelVersionResolvers = {
  // The graph answers for any id the gateway sends; unknown ids simply have no lineage.
  __resolveReference: (ref) => ({ id: ref.id }),
  trainedOn: (mv, { depth }, ctx) => ctx.loaders.trainedOn(intIn('depth', depth, 0, 6, 3)).load(mv.id),
  deployedTo: (mv, { at }, ctx) => ctx.loaders.deployedTo(at ?? null).load(mv.id),
  // One graph query per model version asked: reuse is a per-root question, not a list field.
  reusedBy: (mv, { limit }, ctx) => ctx.store.reusedBy(mv.id, intIn('limit', limit, 1, 5000, 200)),
  releases: (mv, args, ctx) => releasesOf(ctx, { modelVersionId: mv.id }, args),
};
