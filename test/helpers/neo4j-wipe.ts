/**
 * Empties the shared test Neo4j. Files run one at a time against one database, and a stack over
 * other platforms (MLflow, MLServer) leaves a graph the next file's stack does not expect, so a
 * file that brings its own platforms wipes before and after itself.
 */
import { createLogger } from '@mlops/kit';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';

export async function wipeNeo4j(c: { uri: string; user: string; password: string }): Promise<void> {
  const store = new Neo4jLineageStore({ ...c, database: 'neo4j' }, createLogger('test', 'silent'));
  try {
    await store.init();
    await store.wipe();
  } finally {
    await store.close();
  }
}
