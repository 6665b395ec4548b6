import { statusOf } from '@mlops/connectors/monitoring';
import type { HealthResolvers, MetricSeriesResolvers, SeriesMetric } from '../__generated__/resolvers-types.ts';

export const Health: HealthResolvers = {
  status: (h) => statusOf(h),
};

export const MetricSeries: MetricSeriesResolvers = {
  // The platform names metrics in snake_case (Prometheus style); the schema uses enum names.
  metric: (s) => s.metric.toUpperCase() as SeriesMetric,
};
