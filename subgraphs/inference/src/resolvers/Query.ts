import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

// Project scope: the loader answers null for a deployment on another project's target, and the
// list passes the caller's projects to the platform so pages and totals count only visible ones.
export const Query: QueryResolvers = {
  deployment: (_p, { id }, ctx) => ctx.loaders.deployment.load(id),
  deployments: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Deployment', { first, after }, (req) => ctx.connector.listDeployments({ ...filter, projectIds: ctx.projectIds }, req));
  },
};
