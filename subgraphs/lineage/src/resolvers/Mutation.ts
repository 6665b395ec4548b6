/**
 * Release mutations: the caller comes from the verified token; expected failures (not allowed,
 * gate not met, bad input) come back in the payload; each accepts an idempotency key.
 */
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { Outcome } from '../releases/service.ts';
import { targetFilter } from '../validate.ts';

/** Idempotency keys are scoped to the caller, so one caller's key can never replay another's. */
const scoped = (sub: string, op: string, key: string | null | undefined): string | null => {
  if (key == null) return null;
  return `${sub}|${op}|${key}`;
};

const badKey = (key: string | null | undefined): Outcome | null =>
  key != null && (key.length < 8 || key.length > 200 || !/^[A-Za-z0-9._:-]+$/.test(key))
    ? { releaseId: null, errors: [{ code: 'BAD_USER_INPUT', message: 'idempotencyKey: 8–200 characters of letters, digits and . _ : -', field: 'idempotencyKey' }] }
    : null;

const badText = (field: string, v: string | null | undefined, max: number): Outcome | null =>
  v != null && v.length > max ? { releaseId: null, errors: [{ code: 'BAD_USER_INPUT', message: `${field}: at most ${max} characters`, field }] } : null;

export const Mutation: MutationResolvers = {
  requestRelease: async (_p, { input }, ctx) => {
    const who = await ctx.caller();
    const invalid = badKey(input.idempotencyKey) ?? badText('note', input.note, 2000);
    if (invalid) return invalid;
    // Same charset checks as any target list; the filter itself travels on below.
    if (input.wave?.filter) targetFilter(input.wave.filter, 'wave.filter');
    return ctx.releases.request(who, {
      modelVersionId: input.modelVersionId,
      targetIds: input.targetIds ?? null,
      wave: input.wave ? { projectId: input.wave.projectId, filter: input.wave.filter ?? null } : null,
      strategy: input.strategy ?? null,
      canaryPercent: input.canaryPercent ?? null,
      note: input.note ?? null,
      idempotencyKey: scoped(who.sub, 'request', input.idempotencyKey),
    });
  },
  approveRelease: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? badText('comment', a.comment, 2000) ?? ctx.releases.approve(who, a.releaseId, a.comment ?? null, scoped(who.sub, 'approve', a.idempotencyKey));
  },
  rejectRelease: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? badText('comment', a.comment, 2000) ?? ctx.releases.reject(who, a.releaseId, a.comment, scoped(who.sub, 'reject', a.idempotencyKey));
  },
  overrideGates: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? badText('reason', a.reason, 2000) ?? ctx.releases.overrideGates(who, a.releaseId, a.reason, scoped(who.sub, 'override', a.idempotencyKey));
  },
  startRollout: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? ctx.releases.startRollout(who, a.releaseId, scoped(who.sub, 'rollout', a.idempotencyKey));
  },
  promoteCanary: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? ctx.releases.promote(who, a.releaseId, scoped(who.sub, 'promote', a.idempotencyKey));
  },
  rollback: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? badText('reason', a.reason, 2000) ?? ctx.releases.rollback(who, a.targetId, a.reason, scoped(who.sub, 'rollback', a.idempotencyKey));
  },
  cancelRelease: async (_p, a, ctx) => {
    const who = await ctx.caller();
    return badKey(a.idempotencyKey) ?? badText('reason', a.reason, 2000) ?? ctx.releases.cancel(who, a.releaseId, a.reason ?? null, scoped(who.sub, 'cancel', a.idempotencyKey));
  },
  setReleasePolicy: async (_p, a, ctx) => {
    const who = await ctx.caller();
    const k = badKey(a.idempotencyKey);
    if (k) return { policy: null, errors: k.errors };
    return ctx.releases.setPolicy(who, a.projectId, { ...a.policy, webhookUrl: a.policy.webhookUrl ?? null }, scoped(who.sub, 'policy', a.idempotencyKey));
  },
};
