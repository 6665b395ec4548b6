import { pagedConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  alerts: async (_p, { filter, first, after }, ctx) => {
    return pagedConnection('Alert', { first, after }, (req) => ctx.connector.listAlerts(filter ?? {}, req));
  },
};
