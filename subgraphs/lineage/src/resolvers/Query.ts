import { appError, connectionOf, pagedConnection, type Page, type PageRequest } from '@mlops/kit';
import type { Context } from '../context.ts';
import type { LineageGraphModel } from '../store/types.ts';
import type { QueryResolvers } from '../__generated__/resolvers-types.ts';
import { verifyChain } from '../releases/audit.ts';
import { id, intIn, targetFilter, targetOrder } from '../validate.ts';
import { canSee, onVisibleTargets, scopedProject, visible } from './access.ts';
import { visibleDeprecation } from './Deprecation.ts';

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
    const f = { ...targetFilter(filter), projectIds: await visible(ctx) };
    const project = projectId == null ? null : id('projectId', projectId);
    return pagedConnection(`ReleaseTarget:${projectId ?? '*'}:${orderBy ?? 'id'}`, { first, after }, (req) => ctx.store.listTargets(project, f, req, order));
  },
  deprecationImpact: async (_p, args, ctx) => {
    const impact = await ctx.loaders.deprecationImpact(intIn('limit', args.limit, 1, 5000, 1000)).load(id('modelVersionId', args.modelVersionId));
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
      projectCounts: impact.projectCounts.filter((p) => seen(p.projectId)),
      // Targets of no project belong to no project the caller may see.
      unassignedTargets: 0,
    };
  },
  lineage: async (_p, args, ctx) => {
    const rootId = id('rootId', args.rootId);
    const options = {
      direction: args.direction ?? 'BOTH',
      depth: intIn('depth', args.depth, 1, 6, 2),
      types: args.types ?? null,
      at: args.at ?? null,
      maxNodes: intIn('maxNodes', args.maxNodes, 1, 2000, 200),
    } as const;
    return hideInvisible(ctx, await ctx.loaders.lineage(options).load(rootId));
  },
  targetsNotOn: (_p, args, ctx) => {
    const name = id('modelName', args.modelName);
    const minVersion = intIn('minVersion', args.minVersion, 0, 1_000_000, 0);
    return scopedList(ctx, `NotOn:${args.modelName}:${args.minVersion}:${args.projectId ?? '*'}`, args, (projectId, req) => ctx.store.targetsNotOn(name, minVersion, projectId, req));
  },
  targetCountsByDataset: (_p, args, ctx) =>
    scopedList(ctx, `DatasetTargets:${args.projectId ?? '*'}`, args, (projectId, req) => ctx.store.targetCountsByDataset(projectId, req)),
  targetsTrainedOnDataBefore: (_p, args, ctx) =>
    scopedList(ctx, `TrainedBefore:${args.before}:${args.projectId ?? '*'}`, args, (projectId, req) => ctx.store.targetsTrainedOnDataBefore(args.before, projectId, req)),
  platformFreshness: (_p, _a, ctx) => ctx.store.getFreshness(),

  release: async (_p, args, ctx) => {
    const r = await ctx.loaders.release.load(id('id', args.id));
    return r && (await canSee(ctx, r.projectId)) ? r : null;
  },
  releases: async (_p, { projectId, status, first, after }, ctx) => {
    const v = await visible(ctx);
    const projectIds = projectId == null ? v : v === null || v.includes(projectId) ? [id('projectId', projectId)] : [];
    return pagedConnection(`Release:${projectId ?? '*'}:${status ?? '*'}`, { first, after }, (req) => ctx.releases.releases.listReleases({ projectIds, status: status ?? null }, req));
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
    return pagedConnection(kind, { first: args.first, after: args.after }, (req) => ctx.releases.releases.auditTrail(entityId, req));
  },
  deprecation: async (_p, args, ctx) => visibleDeprecation(ctx, await ctx.loaders.deprecation.load(id('id', args.id))),
  deprecations: async (_p, args, ctx) => {
    const mv = args.modelVersionId == null ? null : id('modelVersionId', args.modelVersionId);
    return ctx.releases.releases.listDeprecations({ projectIds: await visible(ctx), modelVersionId: mv, status: args.status ?? null });
  },
  deprecationInbox: async (_p, { first, after }, ctx) => {
    // Announcements are few (the store returns at most 500): fetch them, order by what comes first.
    const announced = await ctx.releases.releases.listDeprecations({ projectIds: await visible(ctx), status: 'ANNOUNCED' });
    const soonest = [...announced].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt) || a.id.localeCompare(b.id));
    return connectionOf('DeprecationInbox', soonest, { first, after });
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
  const deprecation = release ? null : await ctx.loaders.deprecation.load(entityId);
  if (!(await canSee(ctx, release?.projectId ?? deprecation?.projectId ?? entityId))) throw appError('NOT_FOUND', `no audit trail for ${JSON.stringify(entityId)}`);
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

/** A cross-project graph list, limited to the projects the caller may see (see scopedProject). */
async function scopedList<T>(
  ctx: Context,
  kind: string,
  args: { projectId?: string | null; first?: number | null; after?: string | null },
  fetch: (projectId: string | null, req: PageRequest) => Promise<Page<T>>,
) {
  const scope = await scopedProject(ctx, args.projectId == null ? null : id('projectId', args.projectId));
  if (scope.empty) return connectionOf(kind, [], args);
  return pagedConnection(kind, args, (req) => fetch(scope.projectId, req));
}
