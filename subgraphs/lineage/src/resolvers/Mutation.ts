/**
 * Release mutations: the caller comes from the gateway's signed header; expected failures (not
 * allowed, gate not met, bad input, idempotency conflict) come back in the payload. The service
 * checks arguments, access and the idempotency key before it writes anything.
 */
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';

export const Mutation: MutationResolvers = {
  requestRelease: async (_p, { input }, ctx) =>
    ctx.releases.request(await ctx.caller(), {
      modelVersionId: input.modelVersionId,
      targetIds: input.targetIds ?? null,
      wave: input.wave ? { projectId: input.wave.projectId, filter: input.wave.filter ?? null } : null,
      strategy: input.strategy ?? null,
      canaryPercent: input.canaryPercent ?? null,
      note: input.note ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
    }),
  approveRelease: async (_p, a, ctx) => ctx.releases.approve(await ctx.caller(), a.releaseId, a.comment ?? null, a.idempotencyKey ?? null),
  rejectRelease: async (_p, a, ctx) => ctx.releases.reject(await ctx.caller(), a.releaseId, a.comment, a.idempotencyKey ?? null),
  overrideGates: async (_p, a, ctx) => ctx.releases.overrideGates(await ctx.caller(), a.releaseId, a.reason, a.idempotencyKey ?? null),
  startRollout: async (_p, a, ctx) => ctx.releases.startRollout(await ctx.caller(), a.releaseId, a.idempotencyKey ?? null),
  promoteCanary: async (_p, a, ctx) => ctx.releases.promote(await ctx.caller(), a.releaseId, a.idempotencyKey ?? null),
  rollback: async (_p, a, ctx) => ctx.releases.rollback(await ctx.caller(), a.targetId, a.reason, a.idempotencyKey ?? null, a.overrideDeprecation ?? false),
  cancelRelease: async (_p, a, ctx) => ctx.releases.cancel(await ctx.caller(), a.releaseId, a.reason ?? null, a.idempotencyKey ?? null),
  setReleasePolicy: async (_p, a, ctx) =>
    ctx.releases.setPolicy(await ctx.caller(), a.projectId, { ...a.policy, webhookUrl: a.policy.webhookUrl ?? null }, a.idempotencyKey ?? null),
  deprecateModelVersion: async (_p, { input }, ctx) =>
    ctx.releases.deprecations.deprecate(await ctx.caller(), {
      modelVersionId: input.modelVersionId,
      replacementId: input.replacementId,
      effectiveAt: input.effectiveAt,
      reason: input.reason,
      force: input.force ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
    }),
  withdrawDeprecation: async (_p, a, ctx) => ctx.releases.deprecations.withdraw(await ctx.caller(), a.deprecationId, a.reason, a.idempotencyKey ?? null),
  makeDeprecationEffective: async (_p, a, ctx) => ctx.releases.deprecations.makeEffective(await ctx.caller(), a.deprecationId, a.idempotencyKey ?? null),
  requestReplacementWave: async (_p, a, ctx) =>
    ctx.releases.deprecations.requestWave(await ctx.caller(), a.deprecationId, a.projectId, a.strategy ?? null, a.idempotencyKey ?? null),
};
