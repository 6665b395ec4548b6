/** The inference subgraph: schema, resolvers and per-request context over a connector. */
import { fileURLToPath } from 'node:url';
import { defineSubgraph } from '@mlops/kit/server';
import { createContext, type Context } from './context.ts';
import type { InferenceConnector } from '@mlops/connectors/inference';
import { resolvers } from './resolvers/index.ts';

export const inference = defineSubgraph<InferenceConnector, Context>({
  name: 'inference',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
});
