import type { AlertResolvers } from '../__generated__/resolvers-types.ts';

export const Alert: AlertResolvers = {
  deployment: (a) => ({ id: a.deploymentId }),
  target: (a) => ({ id: a.targetId }),
};
