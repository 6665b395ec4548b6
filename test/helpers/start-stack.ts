/**
 * Starts the whole embedded system on port 0 (every subgraph, the gateway, built-in platforms
 * with instrumented connectors) and returns `{ query, stop }` plus handles for counting
 * backend calls and stopping one subgraph. Pass `neo4j` to put the lineage graph in Neo4j.
 */
import { startEmbedded, type Embedded, type EmbeddedOptions, type SubgraphName } from '../../scripts/embedded.ts';

export type { SubgraphName };

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Stack extends Embedded {
  /** POSTs to the gateway, as the holder of `token` when given. */
  query<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Resets connector call counts and gateway requests per subgraph. */
  resetCounts(): void;
}

/**
 * MLOPS_TEST_ENGINE=hive-router runs every stack's gateway on the hive-router engine
 * (`npm run test:router`, which .ci/run runs through `npm test`): the integration suite through
 * the Rust router.
 */
const ENGINE = process.env.MLOPS_TEST_ENGINE === 'hive-router' ? ('hive-router' as const) : undefined;

export async function startStack(opts: EmbeddedOptions = {}): Promise<Stack> {
  const e = await startEmbedded({ ...opts, basePort: 0, ...(ENGINE ? { gateway: { ...opts.gateway, engine: ENGINE } } : {}) });
  return {
    ...e,
    async query(query, variables, token) {
      const res = await fetch(e.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse;
    },
    resetCounts() {
      for (const c of Object.values(e.connectors)) c.calls.reset();
      e.gateway.subgraphRequests.reset();
    },
  };
}
