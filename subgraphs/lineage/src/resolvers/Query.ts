import { appError, connectionOf, pageRequest, toConnection } from '@mlops/kit';
import type { Context } from '../context.ts';
import type { LineageGraphModel } from '../store/types.ts';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { buildLineage } from '../lineage-graph.ts';
import { verifyChain } from '../releases/audit.ts';
import { id, intIn, safeText, targetOrder } from '../validate.ts';
import { canSee, onVisibleTargets, scopedProject, visible } from './access.ts';

export const Query: QueryResolvers = {
  me: (_p, _a, ctx) => ctx.caller(),
  project: async (_p, args, ctx) => {
    const p = await ctx.loaders.project.load(id('id', args.id));
    return p && (await canSee(ctx, p.id)) ? p : null;
  },
  releaseTarget: async (_p, args, ctx) => {
    const t = await ctx.loaders.target.load(id('id', args.id));
    return t && (await canSee(ctx, t.projectId)) ? t : null;
  },
  projects: async (_p, { first, after }, ctx) => {
    const all = await ctx.store.listProjects({ first: 500, after: null });
    const v = await visible(ctx);
    return connectionOf('Project', v === null ? all.items : all.items.filter((p) => v.includes(p.id)), { first, after });
  },
  releaseTargets: async (_p, { projectId, filter, first, after, orderBy }, ctx) => {
    const order = targetOrder(orderBy);
    const kind = `ReleaseTarget:${projectId ?? '*'}:${orderBy ?? 'id'}`;
    const req = pageRequest(kind, { first, after });
    const f = {
      line: safeText('filter.line', filter?.line),
      plant: safeText('filter.plant', filter?.plant),
      search: safeText('filter.search', filter?.search),
      projectIds: await visible(ctx),
    };
    const page = await ctx.store.listTargets(projectId == null ? null : id('projectId', projectId), f, req, order);
    return toConnection(kind, page, req.after !== null);
  },
  deprecationImpact: async (_p, args, ctx) => {
    const impact = await ctx.store.deprecationImpact(id('modelVersionId', args.modelVersionId), intIn('limit', args.limit, 1, 5000, 1000));
    const v = await visible(ctx);
    if (!impact || v === null) return impact;
    // Other projects' targets and releases do not exist for this caller.
    const seen = (p: string) => v.includes(p);
    const pending = await ctx.loaders.release.loadMany(impact.pendingReleases.map((r) => r.releaseId));
    return {
      ...impact,
      targets: impact.targets.filter((t) => seen(t.projectId)),
      derivedTargets: impact.derivedTargets.filter((t) => seen(t.projectId)),
      pendingReleases: impact.pendingReleases.filter((_, i) => {
        const r = pending[i];
        return !!r && !(r instanceof Error) && seen(r.projectId);
      }),
      projectIds: impact.projectIds.filter(seen),
    };
  },
  lineage: async (_p, args, ctx) =>
    hideInvisible(ctx, await buildLineage(ctx.store, {
      rootId: id('rootId', args.rootId),
      direction: args.direction ?? 'BOTH',
      depth: intIn('depth', args.depth, 1, 6, 2),
      types: args.types ?? null,
      at: args.at ?? null,
      maxNodes: intIn('maxNodes', args.maxNodes, 1, 2000, 200),
    })),
  targetsNotOn: async (_p, args, ctx) => {
    const kind = `NotOn:${args.modelName}:${args.minVersion}:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    const scope = await scopedProject(ctx, args.projectId == null ? null : id('projectId', args.projectId));
    if (scope.empty) return connectionOf(kind, [], args);
    const page = await ctx.store.targetsNotOn(id('modelName', args.modelName), intIn('minVersion', args.minVersion, 0, 1_000_000, 0), scope.projectId, req);
    return toConnection(kind, page, req.after !== null);
  },
  targetCountsByDataset: async (_p, args, ctx) => {
    const kind = `DatasetTargets:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    const scope = await scopedProject(ctx, args.projectId == null ? null : id('projectId', args.projectId));
    if (scope.empty) return connectionOf(kind, [], args);
    return toConnection(kind, await ctx.store.targetCountsByDataset(scope.projectId, req), req.after !== null);
  },
  targetsTrainedOnDataBefore: async (_p, args, ctx) => {
    const kind = `TrainedBefore:${args.before}:${args.projectId ?? '*'}`;
    const req = pageRequest(kind, args);
    const scope = await scopedProject(ctx, args.projectId == null ? null : id('projectId', args.projectId));
    if (scope.empty) return connectionOf(kind, [], args);
    const page = await ctx.store.targetsTrainedOnDataBefore(args.before, scope.projectId, req);
    return toConnection(kind, page, req.after !== null);
  },
  platformFreshness: (_p, _a, ctx) => ctx.store.getFreshness(),

  release: async (_p, args, ctx) => {
    const r = await ctx.loaders.release.load(id('id', args.id));
    return r && (await canSee(ctx, r.projectId)) ? r : null;
  },
  releases: async (_p, { projectId, status, first, after }, ctx) => {
    const kind = `Release:${projectId ?? '*'}:${status ?? '*'}`;
    const req = pageRequest(kind, { first, after });
    const v = await visible(ctx);
    const projectIds = projectId == null ? v : v === null || v.includes(projectId) ? [id('projectId', projectId)] : [];
    return toConnection(kind, await ctx.releases.releases.listReleases({ projectIds, status: status ?? null }, req), req.after !== null);
  },
  approvalInbox: async (_p, { first, after }, ctx) => {
    const who = await ctx.caller();
    const v = await visible(ctx);
    // Pending releases are few; fetch them and keep those the caller may decide on or must see.
    const pending = await ctx.releases.releases.listReleases({ projectIds: v, status: 'PENDING_APPROVAL' }, { first: 500, after: null });
    const mine = pending.items.filter((r) => r.approvals.every((a) => a.approver !== who.sub));
    return connectionOf('Inbox', mine, { first, after });
  },
  auditTrail: async (_p, args, ctx) => {
    const entityId = id('entityId', args.entityId);
    await assertAuditVisible(ctx, entityId);
    const kind = `Audit:${entityId}`;
    const req = pageRequest(kind, { first: args.first, after: args.after });
    return toConnection(kind, await ctx.releases.releases.auditTrail(entityId, req), req.after !== null);
  },
  verifyAuditTrail: async (_p, args, ctx) => {
    const entityId = id('entityId', args.entityId);
    await assertAuditVisible(ctx, entityId);
    const { events, head } = await ctx.releases.releases.auditChain(entityId);
    const problems = verifyChain(events, head);
    return { entityId, valid: problems.length === 0, events: events.length, problems };
  },
};

/** The audit trail of a release or project is visible to whoever may see that project. */
async function assertAuditVisible(ctx: Context, entityId: string) {
  const release = await ctx.loaders.release.load(entityId);
  if (!(await canSee(ctx, release?.projectId ?? entityId))) throw appError('NOT_FOUND', `no audit trail for ${JSON.stringify(entityId)}`);
}

/** Drops release targets and projects the caller may not see, and the edges that touch them. */
async function hideInvisible(ctx: Context, g: LineageGraphModel): Promise<LineageGraphModel> {
  const v = await visible(ctx);
  if (v === null) return g;
  const targets = g.nodes.filter((n) => n.type === 'ReleaseTarget');
  const okTargets = new Set((await onVisibleTargets(ctx, targets, (n) => n.id)).map((n) => n.id));
  const hidden = new Set(g.nodes.filter((n) => (n.type === 'ReleaseTarget' && !okTargets.has(n.id)) || (n.type === 'Project' && !v.includes(n.id))).map((n) => n.id));
  if (hidden.size === 0) return g;
  return {
    root: g.root && hidden.has(g.root.id) ? null : g.root,
    nodes: g.nodes.filter((n) => !hidden.has(n.id)),
    edges: g.edges.filter((e) => !hidden.has(e.from) && !hidden.has(e.to)),
    truncated: g.truncated,
  };
}
