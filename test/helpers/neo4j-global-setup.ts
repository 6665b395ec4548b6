/**
 * vitest globalSetup: one real Neo4j for the whole run. Uses NEO4J_URI/NEO4J_USER/
 * NEO4J_PASSWORD when set (e.g. CI pointing at a server); otherwise provisions and starts a
 * local Neo4j Community from Maven Central (neo4j/local-server.mjs) and stops it afterwards.
 * Test files get the connection through `inject('neo4j')`.
 */
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain JS module with JSDoc types
import { startLocalNeo4j } from '../../neo4j/local-server.mjs';

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
  local: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: Neo4jConnection;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.NEO4J_URI) {
    project.provide('neo4j', {
      uri: process.env.NEO4J_URI,
      user: process.env.NEO4J_USER ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? '',
      local: false,
    });
    return;
  }
  const t0 = Date.now();
  const neo = await startLocalNeo4j({ heap: '768m', pagecache: '512m', log: (l: string) => process.stderr.write(`${l}\n`) });
  process.stderr.write(`[test] local Neo4j ready at ${neo.uri} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  project.provide('neo4j', { uri: neo.uri, user: neo.user, password: neo.password, local: true });
  return async () => {
    await neo.stop();
  };
}
