export * from './types.ts';
export { BuiltinCatalogConnector } from './builtin.ts';
export * from '../scope.ts';
