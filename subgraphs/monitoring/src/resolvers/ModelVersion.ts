import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';
import { refInScope } from '@mlops/connectors/monitoring';

export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (ref, ctx) => refInScope(ctx.visible, ref.id, (id) => ctx.loaders.modelVersionProject.load(id)),
  health: (mv, _a, ctx) => ctx.loaders.modelHealth.load(mv.id),
};
