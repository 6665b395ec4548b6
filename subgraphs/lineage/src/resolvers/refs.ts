/** Resolving target ids from graph answers: through the per-request loader, in one batch. */
import { appError, existing } from '@mlops/kit';
import type { Context } from '../context.ts';
import type { ReleaseTargetModel } from '../store/types.ts';

export async function loadTarget(ctx: Context, id: string): Promise<ReleaseTargetModel> {
  const t = await ctx.loaders.target.load(id);
  // A span can name a target the inference sync has not delivered yet: say so, do not invent one.
  if (!t) throw appError('NOT_FOUND', `release target ${JSON.stringify(id)} is referenced in the lineage graph but not yet synced`);
  return t;
}

export async function loadTargets(ctx: Context, ids: readonly string[]): Promise<ReleaseTargetModel[]> {
  return existing(await ctx.loaders.target.loadMany(ids));
}
