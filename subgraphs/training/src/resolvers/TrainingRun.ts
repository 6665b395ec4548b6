import type { TrainingRunResolvers } from '../__generated__/resolvers-types.ts';

export const TrainingRun: TrainingRunResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.run.load(ref.id),
  params: (r) => Object.entries(r.params).map(([key, value]) => ({ key, value })),
  param: (r, { key }) => r.params[key] ?? null,
  metrics: (r) => Object.entries(r.metrics).map(([key, value]) => ({ key, value })),
  durationSeconds: (r) => (r.endTime ? Math.round((Date.parse(r.endTime) - Date.parse(r.startTime)) / 1000) : null),
  // References only: the catalog resolves them through the gateway.
  datasets: (r) => r.inputs.map((id) => ({ id })),
  modelVersions: (r, _a, ctx) => ctx.loaders.versionsByRun.load(r.id),
};
