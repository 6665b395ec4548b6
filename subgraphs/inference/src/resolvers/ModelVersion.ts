import { connectionOf } from '@mlops/kit';
import { refInScope } from '@mlops/connectors/inference';
import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';

export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (ref, ctx) => refInScope(ctx.visible, ref.id, (id) => ctx.loaders.modelVersionProject.load(id)),
  deployments: async (mv, { activeOnly, first, after }, ctx) => {
    const all = await ctx.loaders.byModelVersion.load(mv.id);
    const rows = activeOnly === false ? all : all.filter((d) => d.until === null);
    return connectionOf(`ModelDeployments:${activeOnly === false ? 'all' : 'active'}:${mv.id}`, rows, { first, after });
  },
};
