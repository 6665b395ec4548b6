/** Resolving target ids from graph answers: through the per-request loader, in one batch. */
import { appError, existing } from '@mlops/kit';
import type { Context } from '../context.ts';
import type { ReleaseTargetModel } from '../store/types.ts';

/** A target the request already read (ctx.primed) without a promise, else through the loader. */
export function loadTarget(ctx: Context, id: string): ReleaseTargetModel | Promise<ReleaseTargetModel> {
  const known = ctx.primed.target.get(id);
  if (known !== undefined) return synced(id, known);
  return ctx.loaders.target.load(id).then((t) => synced(id, t));
}

function synced(id: string, t: ReleaseTargetModel | null): ReleaseTargetModel {
  // A span can name a target the inference sync has not delivered yet: say so, do not invent one.
  if (!t) throw appError('NOT_FOUND', `release target ${JSON.stringify(id)} is referenced in the lineage graph but not yet synced`);
  return t;
}

export async function loadTargets(ctx: Context, ids: readonly string[]): Promise<ReleaseTargetModel[]> {
  return existing(await ctx.loaders.target.loadMany(ids));
}
