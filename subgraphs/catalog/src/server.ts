/** The catalog subgraph: schema, resolvers and per-request context over a connector. */
import { fileURLToPath } from 'node:url';
import { defineSubgraph } from '@mlops/kit/server';
import { createContext, type Context } from './context.ts';
import type { CatalogConnector } from '@mlops/connectors/catalog';
import { resolvers } from './resolvers/index.ts';

export const catalog = defineSubgraph<CatalogConnector, Context>({
  name: 'catalog',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
});
