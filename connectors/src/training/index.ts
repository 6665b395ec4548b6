export * from './types.ts';
export { BuiltinTrainingConnector } from './builtin.ts';
export * from '../scope.ts';
