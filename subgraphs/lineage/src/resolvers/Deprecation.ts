/**
 * Deprecations: visible to whoever may see a project they touch; the snapshot and the live
 * "still left" list show only the caller's projects' targets, as `deprecationImpact` does.
 */
import type { DeprecationPayloadResolvers, DeprecationProjectResolvers, DeprecationResolvers, DeprecationSnapshotResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { deprecationProjects, type DeprecationDoc } from '../releases/types.ts';
import { visible } from './access.ts';

/** The deprecation if the caller may see one of the projects it touches, else null. */
export async function visibleDeprecation(ctx: Context, d: DeprecationDoc | null): Promise<DeprecationDoc | null> {
  if (!d) return null;
  const v = await visible(ctx);
  return v === null || deprecationProjects(d).some((p) => v.includes(p)) ? d : null;
}

const seenBy = async (ctx: Context) => {
  const v = await visible(ctx);
  return (projectId: string) => v === null || v.includes(projectId);
};

export const Deprecation: DeprecationResolvers = {
  modelVersion: (d) => ({ id: d.modelVersionId }),
  replacement: (d) => ({ id: d.replacementId }),
  project: async (d, _a, ctx) => (await ctx.loaders.project.load(d.projectId))!,
  snapshot: (d) => d.snapshot,
  stillLeft: async (d, _a, ctx) => {
    const seen = await seenBy(ctx);
    return (await ctx.releases.deprecations.stillLeft(d)).filter((t) => seen(t.projectId));
  },
};

export const DeprecationSnapshot: DeprecationSnapshotResolvers = {
  targets: async (s, _a, ctx) => {
    const seen = await seenBy(ctx);
    return s.targets.filter((t) => seen(t.projectId));
  },
  derivedTargets: async (s, _a, ctx) => {
    const seen = await seenBy(ctx);
    return s.derivedTargets.filter((t) => seen(t.projectId));
  },
  pendingReleases: async (s, _a, ctx) => {
    const pending = await ctx.loaders.release.loadMany(s.pendingReleases.map((r) => r.releaseId));
    const seen = await seenBy(ctx);
    return s.pendingReleases.filter((_, i) => {
      const r = pending[i];
      return !!r && !(r instanceof Error) && seen(r.projectId);
    });
  },
  projects: async (s, _a, ctx) => {
    const seen = await seenBy(ctx);
    return s.projects.filter((p) => seen(p.projectId));
  },
};

export const DeprecationProject: DeprecationProjectResolvers = {
  project: async (p, _a, ctx) => (await ctx.loaders.project.load(p.projectId))!,
};

export const DeprecationPayload: DeprecationPayloadResolvers = {
  deprecation: async (o, _a, ctx) => (o.deprecationId ? visibleDeprecation(ctx, await ctx.loaders.deprecation.clear(o.deprecationId).load(o.deprecationId)) : null),
};
