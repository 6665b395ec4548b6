export * from './types.ts';
export { BuiltinCatalogConnector } from './builtin.ts';
export { OpenLineageCatalogConnector } from './openlineage.ts';
export * from '../scope.ts';
