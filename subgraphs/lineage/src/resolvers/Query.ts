import { pageRequest, toConnection } from '@mlops/kit';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { buildLineage } from '../lineage-graph.ts';
import { id, intIn, safeText, targetOrder } from '../validate.ts';

export const Query: QueryResolvers = {
  project: (_p, args, ctx) => ctx.loaders.project.load(id('id', args.id)),
  releaseTarget: (_p, args, ctx) => ctx.loaders.target.load(id('id', args.id)),
  projects: async (_p, { first, after }, ctx) => {
    const req = pageRequest('Project', { first, after });
    return toConnection('Project', await ctx.store.listProjects(req), req.after !== null);
  },
  releaseTargets: async (_p, { projectId, filter, first, after, orderBy }, ctx) => {
    const order = targetOrder(orderBy);
    const kind = `ReleaseTarget:${projectId ?? '*'}:${orderBy ?? 'id'}`;
    const req = pageRequest(kind, { first, after });
    const f = {
      line: safeText('filter.line', filter?.line),
      plant: safeText('filter.plant', filter?.plant),
      search: safeText('filter.search', filter?.search),
    };
    const page = await ctx.store.listTargets(projectId == null ? null : id('projectId', projectId), f, req, order);
    return toConnection(kind, page, req.after !== null);
  },
  deprecationImpact: (_p, args, ctx) => ctx.store.deprecationImpact(id('modelVersionId', args.modelVersionId), intIn('limit', args.limit, 1, 5000, 1000)),
  lineage: (_p, args, ctx) =>
    buildLineage(ctx.store, {
      rootId: id('rootId', args.rootId),
      direction: args.direction ?? 'BOTH',
      depth: intIn('depth', args.depth, 1, 6, 2),
      types: args.types ?? null,
      at: args.at ?? null,
      maxNodes: intIn('maxNodes', args.maxNodes, 1, 2000, 200),
    }),
  targetsNotOn: async (_p, args, ctx) => {
    const kind = `NotOn:${args.modelName}:${args.minVersion}:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    const page = await ctx.store.targetsNotOn(
      id('modelName', args.modelName),
      intIn('minVersion', args.minVersion, 0, 1_000_000, 0),
      args.projectId == null ? null : id('projectId', args.projectId),
      req,
    );
    return toConnection(kind, page, req.after !== null);
  },
  targetCountsByDataset: async (_p, args, ctx) => {
    const kind = `DatasetTargets:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    return toConnection(kind, await ctx.store.targetCountsByDataset(args.projectId == null ? null : id('projectId', args.projectId), req), req.after !== null);
  },
  targetsTrainedOnDataBefore: async (_p, args, ctx) => {
    const kind = `TrainedBefore:${args.before}:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    const page = await ctx.store.targetsTrainedOnDataBefore(args.before, args.projectId == null ? null : id('projectId', args.projectId), req);
    return toConnection(kind, page, req.after !== null);
  },
  platformFreshness: (_p, _a, ctx) => ctx.store.getFreshness(),
};
