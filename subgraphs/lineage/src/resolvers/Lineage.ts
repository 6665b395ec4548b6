/** Resolvers of the lineage answer types: ids from the graph become entity references. */
import type {
  DatasetTargetCountResolvers,
  DeploymentSpanResolvers,
  DeprecationImpactResolvers,
  DerivedModelResolvers,
  ImpactTargetResolvers,
  PendingReleaseResolvers,
  ProjectImpactResolvers,
  ReuseEntryResolvers,
  TrainedOnEntryResolvers,
} from '../__generated__/resolvers-types.ts';
import { appError } from '@mlops/kit';
import { loadTarget, loadTargets } from './refs.ts';

export const TrainedOnEntry: TrainedOnEntryResolvers = {
  datasetVersion: (e) => ({ id: e.datasetVersionId }),
  run: (e) => ({ id: e.runId }),
};

export const DeploymentSpan: DeploymentSpanResolvers = {
  target: (s, _a, ctx) => loadTarget(ctx, s.targetId),
  modelVersion: (s) => ({ id: s.modelVersionId }),
};

export const ReuseEntry: ReuseEntryResolvers = {
  modelVersion: (e) => ({ id: e.modelVersionId }),
  target: (e, _a, ctx) => (e.targetId ? ctx.loaders.target.load(e.targetId) : null),
};

export const ImpactTarget: ImpactTargetResolvers = {
  target: (t, _a, ctx) => loadTarget(ctx, t.targetId),
  modelVersion: (t) => ({ id: t.modelVersionId }),
};

export const DerivedModel: DerivedModelResolvers = {
  modelVersion: (d) => ({ id: d.modelVersionId }),
};

export const PendingRelease: PendingReleaseResolvers = {
  targets: (r, _a, ctx) => loadTargets(ctx, r.targetIds),
};

export const DatasetTargetCount: DatasetTargetCountResolvers = {
  datasetVersion: (c) => ({ id: c.datasetVersionId }),
};

export const DeprecationImpact: DeprecationImpactResolvers = {
  modelVersion: (i) => ({ id: i.modelVersionId }),
  // Counted by the store over the whole impact, not over the lists (which stop at the limit).
  totalTargets: (i) => i.projectCounts.reduce((n, p) => n + p.allTargets, 0) + i.unassignedTargets,
  byProject: (i) => i.projectCounts,
};

export const ProjectImpact: ProjectImpactResolvers = {
  project: async (p, _a, ctx) => {
    const project = await ctx.loaders.project.load(p.projectId);
    if (!project) throw appError('NOT_FOUND', `project ${JSON.stringify(p.projectId)} is referenced in the lineage graph but not configured`);
    return project;
  },
  owners: async (p, _a, ctx) => (await ctx.loaders.project.load(p.projectId))?.owners ?? [],
};
