import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  deployment: (_p, { id }, ctx) => ctx.loaders.deployment.load(id),
  deployments: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Deployment', { first, after }, (req) => ctx.connector.listDeployments(filter ?? {}, req));
  },
};
