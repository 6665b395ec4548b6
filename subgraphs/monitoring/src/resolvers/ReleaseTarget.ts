import { connectionOf } from '@mlops/kit';
import type { ReleaseTargetResolvers } from '../__generated__/resolvers-types.ts';

export const ReleaseTarget: ReleaseTargetResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  health: (t, _a, ctx) => ctx.loaders.targetHealth.load(t.id),
  alerts: async (t, { openOnly, first, after }, ctx) => {
    const rows = (await ctx.loaders.targetAlerts.load(t.id)).filter((a) => openOnly === false || a.resolvedAt === null);
    return connectionOf(`TargetAlerts:${openOnly === false ? 'all' : 'open'}:${t.id}`, rows, { first, after });
  },
};
