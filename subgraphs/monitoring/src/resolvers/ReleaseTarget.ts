import { connectionOf } from '@mlops/kit';
import type { ReleaseTargetResolvers } from '../__generated__/resolvers-types.ts';
import { refInScope } from '@mlops/connectors/monitoring';

export const ReleaseTarget: ReleaseTargetResolvers = {
  __resolveReference: (ref, ctx) => refInScope(ctx.visible, ref.id, (id) => ctx.loaders.targetProject.load(id)),
  health: (t, _a, ctx) => ctx.loaders.targetHealth.load(t.id),
  alerts: async (t, { openOnly, first, after }, ctx) => {
    const rows = (await ctx.loaders.targetAlerts.load(t.id)).filter((a) => openOnly === false || a.resolvedAt === null);
    return connectionOf(`TargetAlerts:${openOnly === false ? 'all' : 'open'}:${t.id}`, rows, { first, after });
  },
};
