import type { ModelVersionResolvers } from '../__generated__/resolvers-types.ts';

const entries = (r: Record<string, string | number>) => Object.entries(r).map(([key, value]) => ({ key, value }));

export const ModelVersion: ModelVersionResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.modelVersion.load(ref.id),
  tags: (mv) => entries(mv.tags).map(({ key, value }) => ({ key, value: String(value) })),
  metrics: (mv) => entries(mv.metrics) as { key: string; value: number }[],
  metric: (mv, { key }) => mv.metrics[key] ?? null,
  run: (mv, _a, ctx) => (mv.runId ? ctx.loaders.run.load(mv.runId) : null),
};
