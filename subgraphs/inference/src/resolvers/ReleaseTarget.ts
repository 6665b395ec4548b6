import { connectionOf } from '@mlops/kit';
import { ALL_STRATEGIES, refInScope } from '@mlops/connectors/inference';
import type { ReleaseTargetResolvers } from '../__generated__/resolvers-types.ts';

export const ReleaseTarget: ReleaseTargetResolvers = {
  // The serving platform does not own targets; it answers for any id the gateway sends whose
  // project the caller may see. The deployment loaders leave out other projects' deployments too.
  __resolveReference: (ref, ctx) => refInScope(ctx.visible, ref.id, (id) => ctx.loaders.targetProject.load(id)),
  currentDeployments: async (t, _a, ctx) =>
    (await ctx.loaders.byTarget.load(t.id)).filter((d) => d.until === null).sort((a, b) => b.trafficPercent - a.trafficPercent),
  deploymentHistory: async (t, { first, after }, ctx) => connectionOf(`DeploymentHistory:${t.id}`, await ctx.loaders.byTarget.load(t.id), { first, after }),
  deploymentsAt: async (t, { at }, ctx) => {
    const when = Date.parse(at);
    return (await ctx.loaders.byTarget.load(t.id)).filter((d) => Date.parse(d.since) <= when && (d.until === null || Date.parse(d.until) > when));
  },
  // One serving platform serves every target; a platform that declares nothing (the built-in,
  // or the hosted built-in reached over RPC) can do every strategy.
  supportedStrategies: (_t, _a, ctx) => [...(ctx.connector.supportedStrategies ?? ALL_STRATEGIES)],
};
