/**
 * Neo4j stopped: lineage fields fail with a clear LINEAGE_STORE_UNAVAILABLE while the other
 * subgraphs still answer; Neo4j back (same address): the lineage subgraph recovers by itself,
 * without a restart. Uses its own Neo4j so stopping it cannot disturb other test files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module with JSDoc types
import { startLocalNeo4j } from '../../neo4j/local-server.mjs';
import { startStack, type Stack } from '../helpers/start-stack.ts';

interface Local {
  uri: string;
  user: string;
  password: string;
  stop: () => Promise<void>;
}

const Q = `query($id: ID!) { modelVersion(id: $id) { id name metric(key: "f1") deployedTo { target { id } } } }`;

describe('Neo4j outage and recovery', () => {
  let neo: Local;
  let stack: Stack;
  let modelId: string;

  beforeAll(async () => {
    neo = await startLocalNeo4j({ heap: '512m', pagecache: '128m' });
    stack = await startStack({ targets: 30, neo4j: neo, syncIntervalMs: 1000 });
    modelId = stack.scenario.modelVersions.find((m) => m.aliases.includes('champion'))!.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await neo?.stop();
  });

  it('answers, fails clearly while Neo4j is down, and recovers without a restart', async () => {
    const ok = await stack.query(Q, { id: modelId });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.modelVersion.deployedTo.length).toBeGreaterThan(0);

    const { port } = new URL(neo.uri.replace(/^bolt/, 'http'));
    await neo.stop();
    const down = await stack.query(Q, { id: modelId });
    expect(down.data.modelVersion.name).toBe(ok.data.modelVersion.name);
    expect(down.data.modelVersion.metric).toBe(ok.data.modelVersion.metric);
    expect(down.data.modelVersion.deployedTo).toBeNull();
    expect(down.errors!.map((e) => e.extensions?.code)).toContain('LINEAGE_STORE_UNAVAILABLE');
    expect(JSON.stringify(down.errors)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|bolt:/);

    // The same server address comes back (a restarted or failed-over database).
    neo = await startLocalNeo4j({ heap: '512m', pagecache: '128m', env: { NEO4J_BOLT_PORT: port, NEO4J_PASSWORD: neo.password } });
    let recovered = false;
    for (let i = 0; i < 120 && !recovered; i++) {
      const res = await stack.query(Q, { id: modelId });
      recovered = !res.errors && res.data.modelVersion.deployedTo?.length > 0;
      if (!recovered) await new Promise((r) => setTimeout(r, 500));
    }
    // The background sync re-applied migrations and refilled the empty database by itself.
    expect(recovered).toBe(true);
  }, 300_000);
});
