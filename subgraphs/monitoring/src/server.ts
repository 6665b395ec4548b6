/** The monitoring subgraph: schema, resolvers and per-request context over a connector. */
import { fileURLToPath } from 'node:url';
import { defineSubgraph } from '@mlops/kit/server';
import { createContext, type Context } from './context.ts';
import type { MonitoringConnector } from '@mlops/connectors/monitoring';
import { resolvers } from './resolvers/index.ts';

export const monitoring = defineSubgraph<MonitoringConnector, Context>({
  name: 'monitoring',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
});
