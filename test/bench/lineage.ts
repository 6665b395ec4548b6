/**
 * Lineage bench: at each size, syncs the scenario into a fresh local Neo4j (relationships per
 * second), then times deprecationImpact and lineage through the gateway beside the same store
 * call made directly (the same Cypher on the driver, no GraphQL): the ratio is the overhead of
 * the gateway, the subgraph and the HTTP hops.
 */
import { createLogger, getScenario } from '@mlops/kit';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { syncOnce } from '@mlops/subgraph-lineage';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';
import { buildLineage } from '../../subgraphs/lineage/src/lineage-graph.ts';
// @ts-expect-error plain JS module with JSDoc types
import { startLocalNeo4j } from '../../neo4j/local-server.mjs';
import { startStack } from '../helpers/start-stack.ts';
import { measure, type Summary } from './stats.ts';

export interface LineageRow {
  targets: number;
  nodes: number;
  relationships: number;
  syncSeconds: number;
  relationshipsPerSecond: number;
  cases: { case: string; gateway: Summary; direct: Summary; ratioP50: number }[];
}

const IMPACT = `query($id: ID!) { deprecationImpact(modelVersionId: $id, limit: 1000) {
  totalTargets truncated byProject { project { id } owners targets derivedModels derivedTargets }
  targets { role target { id } } derivedModels { depth modelVersion { id } } derivedTargets { role target { id } } } }`;
const LINEAGE = `query($id: ID!) { lineage(rootId: $id, direction: BOTH, depth: 3, maxNodes: 200) {
  truncated nodes { id type label } edges { from to type } } }`;

export async function benchLineage(targets: number, n: number, log: (s: string) => void): Promise<LineageRow> {
  const neo = await startLocalNeo4j({ heap: '2g', pagecache: '2g' });
  const logger = createLogger('bench', 'silent');
  try {
    const scenario = getScenario({ targets });
    const store = new Neo4jLineageStore({ uri: neo.uri, user: neo.user, password: neo.password, database: 'neo4j' }, logger);
    await store.init();
    const t0 = performance.now();
    await syncOnce(store, {
      training: new BuiltinTrainingConnector(scenario),
      catalog: new BuiltinCatalogConnector(scenario),
      inference: new BuiltinInferenceConnector(scenario),
      projects: async () => scenario.projects.map((p) => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: p.owners })),
    });
    const syncSeconds = (performance.now() - t0) / 1000;
    const counts = await store.counts();
    log(`  synced ${counts.relationships} relationships in ${syncSeconds.toFixed(1)} s`);

    const stack = await startStack({ targets, neo4j: { uri: neo.uri, user: neo.user, password: neo.password } });
    const champion = scenario.modelVersions.find((m) => m.targetId && m.aliases.includes('champion') && m.derivedFrom)!.id;
    const cases: LineageRow['cases'] = [];
    const run = async (name: string, gql: string, id: string, direct: () => Promise<unknown>) => {
      const check = await stack.query(gql, { id });
      if (check.errors) throw new Error(JSON.stringify(check.errors));
      const gateway = await measure(n, 10, async () => {
        await stack.query(gql, { id });
      });
      const d = await measure(n, 10, async () => {
        await direct();
      });
      cases.push({ case: name, gateway, direct: d, ratioP50: Math.round((gateway.p50 / d.p50) * 100) / 100 });
      log(`  ${name}: gateway p50 ${gateway.p50} ms, direct p50 ${d.p50} ms`);
    };
    await run('deprecationImpact base model (fan-out)', IMPACT, 'pump-anomaly-base/2', () => store.deprecationImpact('pump-anomaly-base/2', 1000));
    await run('deprecationImpact machine champion', IMPACT, champion, () => store.deprecationImpact(champion, 1000));
    await run('lineage BOTH depth 3 maxNodes 200', LINEAGE, champion, () =>
      buildLineage(store, { rootId: champion, direction: 'BOTH', depth: 3, types: null, at: null, maxNodes: 200 }),
    );
    await stack.stop();
    await store.close();
    return {
      targets,
      nodes: counts.nodes,
      relationships: counts.relationships,
      syncSeconds: Math.round(syncSeconds * 10) / 10,
      relationshipsPerSecond: Math.round(counts.relationships / syncSeconds),
      cases,
    };
  } finally {
    await neo.stop();
  }
}
