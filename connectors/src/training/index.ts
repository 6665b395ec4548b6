export * from './types.ts';
export { BuiltinTrainingConnector } from './builtin.ts';
export { MlflowTrainingConnector, MLFLOW_TAGS, type MlflowOptions } from './mlflow.ts';
export * from '../scope.ts';
