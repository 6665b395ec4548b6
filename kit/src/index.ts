export * from './errors.ts';
export * from './pagination.ts';
export * from './loaders.ts';
export * from './logger.ts';
export * from './instrument.ts';
export * from './scalars.ts';
export { getScenario, healthOf, seriesValue, unitHash, SERIES_METRICS } from './scenario.ts';
export type * as ScenarioTypes from './scenario.ts';
export * from './auth.ts';
