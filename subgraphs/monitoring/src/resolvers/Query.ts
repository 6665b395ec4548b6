import { pageRequest, toConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';

export const Query: QueryResolvers = {
  alerts: async (_p, { filter, first, after }, ctx) => {
    const req = pageRequest('Alert', { first, after });
    return toConnection('Alert', await ctx.connector.listAlerts(filter ?? {}, req), req.after !== null);
  },
};
