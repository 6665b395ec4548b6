import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';

export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  health: (mv, _a, ctx) => ctx.loaders.modelHealth.load(mv.id),
};
