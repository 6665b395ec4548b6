/** The training subgraph: schema, resolvers and per-request context over a connector. */
import { fileURLToPath } from 'node:url';
import { defineSubgraph } from '@mlops/kit/server';
import { createContext, type Context } from './context.ts';
import type { TrainingConnector } from '@mlops/connectors/training';
import { resolvers } from './resolvers/index.ts';

export const training = defineSubgraph<TrainingConnector, Context>({
  name: 'training',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
});
