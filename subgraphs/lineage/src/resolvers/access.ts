/** What the caller may see: targets and releases of projects they hold a role on. */
import { appError, roleOn, visibleProjects } from '@mlops/kit';
import type { Context } from '../context.ts';

/** Null: every project; otherwise the ids the caller holds a role on. */
export async function visible(ctx: Context): Promise<string[] | null> {
  const v = visibleProjects(await ctx.caller());
  return v === null ? null : [...v];
}

export async function canSee(ctx: Context, projectId: string): Promise<boolean> {
  return roleOn(await ctx.caller(), projectId) !== null;
}

/** Keeps the items whose release target the caller may see (targets not yet synced are dropped too). */
export async function onVisibleTargets<T>(ctx: Context, items: T[], targetIdOf: (item: T) => string | null): Promise<T[]> {
  const v = await visible(ctx);
  if (v === null) return items;
  const ids = [...new Set(items.map(targetIdOf).filter((x): x is string => x !== null))];
  const targets = await ctx.loaders.target.loadMany(ids);
  const ok = new Set(targets.filter((t): t is NonNullable<typeof t> & { id: string; projectId: string } => !!t && !(t instanceof Error) && v.includes(t.projectId)).map((t) => t.id));
  return items.filter((i) => {
    const id = targetIdOf(i);
    return id === null || ok.has(id);
  });
}

/**
 * Cross-project graph questions without a projectId would count other projects' targets; a
 * caller limited to some projects must name one (an invisible one answers as empty).
 */
export async function scopedProject(ctx: Context, projectId: string | null): Promise<{ projectId: string | null; empty: boolean }> {
  const v = await visible(ctx);
  if (v === null) return { projectId, empty: false };
  if (projectId === null) {
    if (v.length === 1) return { projectId: v[0]!, empty: false };
    throw appError('FORBIDDEN', 'your roles cover only some projects: pass projectId');
  }
  return { projectId, empty: !v.includes(projectId) };
}
