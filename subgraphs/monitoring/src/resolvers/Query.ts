import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

// Project scope: the list passes the caller's projects to the platform so pages and totals count
// only alerts the caller may see.
export const Query: QueryResolvers = {
  alerts: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Alert', { first, after }, (req) => ctx.connector.listAlerts({ ...filter, projectIds: ctx.projectIds }, req));
  },
};
