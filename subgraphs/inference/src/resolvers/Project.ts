import { ALL_STRATEGIES } from '@mlops/connectors/inference';
import type { ProjectResolvers } from '../__generated__/resolvers-types.ts';

export const Project: ProjectResolvers = {
  // The lineage subgraph owns projects; this one answers only for projects the caller may see.
  __resolveReference: (ref, ctx) => (ctx.visible === null || ctx.visible.has(ref.id) ? { id: ref.id } : null),
  // The platform serving the project's targets (one for the whole deployment): what its policy may choose.
  supportedStrategies: (_p, _a, ctx) => [...(ctx.connector.supportedStrategies ?? ALL_STRATEGIES)],
};
