export * from './types.ts';
export * from './health-status.ts';
export { BuiltinMonitoringConnector } from './builtin.ts';
export * from '../scope.ts';
export { PrometheusMonitoringConnector, type PrometheusOptions } from './prometheus.ts';
export { AlertHistory, type AlertHistoryOptions, type AlertTransition } from './alert-history.ts';
