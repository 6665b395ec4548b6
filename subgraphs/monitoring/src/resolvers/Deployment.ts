import { badInput } from '@mlops/kit';
import type { DeploymentResolvers } from '../__generated__/resolvers-types.ts';
import { inScope, refInScope, type SeriesMetricName } from '@mlops/connectors/monitoring';

const MAX_POINTS = 1000;
const METRIC: Record<string, SeriesMetricName> = {
  ACCURACY: 'accuracy',
  DRIFT_SCORE: 'drift_score',
  LATENCY_P95_MS: 'latency_p95_ms',
  ERROR_RATE: 'error_rate',
};
const WEEK = 7 * 86_400_000;

export const Deployment: DeploymentResolvers = {
  __resolveReference: (ref, ctx) => refInScope(ctx.visible, ref.id, (id) => ctx.loaders.deploymentProject.load(id)),
  health: (d, _a, ctx) => ctx.loaders.deploymentHealth.load(d.id),
  alerts: async (d, { openOnly }, ctx) => (await ctx.loaders.deploymentAlerts.load(d.id)).filter((a) => openOnly === false || a.resolvedAt === null),
  series: async (d, { metric, from, to, stepSeconds }, ctx) => {
    const step = stepSeconds ?? 3600;
    if (!Number.isInteger(step) || step < 60) throw badInput('stepSeconds', `must be an integer of at least 60, got ${step}`);
    const toMs = to ? Date.parse(to) : Date.parse(await ctx.connector.now());
    const fromMs = from ? Date.parse(from) : toMs - WEEK;
    if (fromMs >= toMs) throw badInput('from', 'must be before to');
    const points = Math.floor((toMs - fromMs) / (step * 1000)) + 1;
    if (points > MAX_POINTS) throw badInput('stepSeconds', `the window would hold ${points} points; at most ${MAX_POINTS}: widen the step or narrow the window`);
    const series = await ctx.connector.series(d.id, METRIC[metric]!, new Date(fromMs).toISOString(), new Date(toMs).toISOString(), step);
    return series && inScope(ctx.visible, series.projectId) ? series : null;
  },
};
