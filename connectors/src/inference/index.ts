export * from './types.ts';
export { BuiltinInferenceConnector } from './builtin.ts';
