export * from './types.ts';
export { BuiltinInferenceConnector } from './builtin.ts';
export * from '../scope.ts';
