/** Helpers for subgraph contract tests through `server.executeOperation` (no HTTP). */
import type { ApolloServer, BaseContext } from '@apollo/server';

export interface ExecResult {
  data?: Record<string, any> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs one operation against a (started or not) subgraph server with a fresh context. */
export async function execute<C extends BaseContext>(
  server: ApolloServer<C>,
  contextValue: C,
  query: string,
  variables?: Record<string, unknown>,
): Promise<ExecResult> {
  const res = await server.executeOperation({ query, ...(variables ? { variables } : {}) }, { contextValue });
  if (res.body.kind !== 'single') throw new Error('expected a single result');
  return res.body.singleResult as ExecResult;
}

/** An `_entities` query for representations of one type, selecting `selection`. */
export const entitiesQuery = (typename: string, selection: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;
