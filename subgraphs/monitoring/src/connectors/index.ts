export * from './types.ts';
export { BuiltinMonitoringConnector } from './builtin.ts';
