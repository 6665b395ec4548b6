/** The lineage subgraph: schema, resolvers and per-request context over a lineage store. */
import { fileURLToPath } from 'node:url';
import { defineSubgraph } from '@mlops/kit/server';
import { createContext, type Context } from './context.ts';
import type { LineageStore } from './store/types.ts';
import { resolvers } from './resolvers/index.ts';

export const lineage = defineSubgraph<LineageStore, Context>({
  name: 'lineage',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
  health: async (store) => ({ store: store.kind }),
});
