import type { DeploymentResolvers } from '../__generated__/resolvers-types.ts';

export const Deployment: DeploymentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.deployment.load(ref.id),
  target: (d) => ({ id: d.targetId }),
  modelVersion: (d) => ({ id: d.modelVersionId }),
};
