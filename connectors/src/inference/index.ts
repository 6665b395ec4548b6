export * from './types.ts';
export { BuiltinInferenceConnector } from './builtin.ts';
export { MlserverInferenceConnector, MLSERVER_STRATEGIES, modelNameOf, mlserverVersionOf, modelVersionIdOf, type MlserverInferenceOptions, type OutsideChange } from './mlserver.ts';
export * from '../scope.ts';
