/** What the caller may see: targets and releases of projects they hold a role on. */
import { roleOn, visibleProjects } from '@mlops/kit';
import type { Context } from '../context.ts';

/** Null: every project; otherwise the ids the caller holds a role on. */
export async function visible(ctx: Context): Promise<string[] | null> {
  const v = visibleProjects(await ctx.caller());
  return v === null ? null : [...v];
}

export async function canSee(ctx: Context, projectId: string): Promise<boolean> {
  return roleOn(await ctx.caller(), projectId) !== null;
}
