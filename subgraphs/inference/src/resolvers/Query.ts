import { pageRequest, toConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  deployment: (_p, { id }, ctx) => ctx.loaders.deployment.load(id),
  deployments: async (_p, { filter, first, after }, ctx) => {
    const req = pageRequest('Deployment', { first, after });
    return toConnection('Deployment', await ctx.connector.listDeployments(filter ?? {}, req), req.after !== null);
  },
};
