/**
 * Lineage bench: at each size, syncs the scenario into a fresh local Neo4j (relationships per
 * second), then times deprecationImpact and lineage through the gateway beside the same store
 * call made directly (the same Cypher on the driver, no GraphQL): the ratio is the overhead of
 * the gateway, the subgraph and the HTTP hops.
 */
import { CALLER_HEADER, createLogger, getScenario, signCaller } from '@mlops/kit';
import { ANONYMOUS_VIEWER } from '@mlops/kit/server';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { exportGraphForImport, scenarioProjects, syncOnce } from '@mlops/subgraph-lineage';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';
import { buildLineage } from '../../subgraphs/lineage/src/lineage-graph.ts';
// @ts-expect-error plain JS module with JSDoc types
import { startLocalNeo4j } from '../../neo4j/local-server.mjs';
import { startStack } from '../helpers/start-stack.ts';
import { routerBuild } from '../../gateway/src/hive-router.ts';
import { measureAlternating, type Summary } from './stats.ts';

export interface LineageRow {
  targets: number;
  nodes: number;
  relationships: number;
  syncSeconds: number;
  relationshipsPerSecond: number;
  /**
   * gateway: through the gateway; subgraph: the same GraphQL posted straight to the lineage
   * subgraph (with the signed caller header the gateway would send); direct: the store call.
   * gateway − subgraph is the gateway hop, subgraph − direct the subgraph's GraphQL and loaders.
   * router: through a second stack whose gateway runs the hive-router engine (when the router is
   * built), in the same turns, so both engines are measured on one graph in one run.
   */
  cases: { case: string; gateway: Summary; subgraph?: Summary; direct: Summary; ratioP50: number; router?: Summary; routerRatioP50?: number; fixedCost?: true }[];
}

const impactQuery = (limit: number) => `query($id: ID!) { deprecationImpact(modelVersionId: $id, limit: ${limit}) {
  totalTargets truncated byProject { project { id } owners targets derivedModels derivedTargets }
  targets { role target { id } } derivedModels { depth modelVersion { id } } derivedTargets { role target { id } } } }`;
const IMPACT = impactQuery(1000);
/**
 * The fleet base model's impact cut to an answer of at most 1,000 items (three lists of 333),
 * the size goal 5 names; the limit-1,000 case above answers up to 3,000.
 */
const IMPACT_1000_ITEMS = impactQuery(333);
/**
 * One target by id: the least a request can ask of the lineage subgraph. Its ratio is the fixed
 * price of the two HTTP hops and two GraphQL layers, which every case above pays once on top of
 * its own store call: what is left of 1.5× for the answer's own work.
 */
const TARGET = `query($id: ID!) { releaseTarget(id: $id) { id name } }`;
const LINEAGE = `query($id: ID!) { lineage(rootId: $id, direction: BOTH, depth: 3, maxNodes: 200) {
  truncated nodes { id type label } edges { from to type } } }`;

/**
 * A full collection of this process's heap before each case. This process hosts both stacks
 * (every subgraph and both gateways, each over its own in-memory 30,000-target platforms) and the
 * direct store calls: a 2–2.7 GB heap whose major GC marks for about 1.5 s of CPU on the two
 * cores. Left to itself, that cycle landed inside one case per run (a different one each run) and
 * stalled every path of it at once, the store call included (2026-12-07: p99 113–196 ms on all
 * paths of one case, against 17–24 ms in runs where it fell between cases). In production each
 * service is its own process with a fraction of that heap, so the bench starts every case from a
 * collected heap instead, the same for every path. (`--expose-gc` set at run time, so however
 * this file is started.)
 */
v8.setFlagsFromString('--expose-gc');
const fullGc = vm.runInNewContext('gc') as () => void;

/**
 * `load: 'import'` builds the graph by the bulk import (npm run lineage:export + neo4j-admin,
 * see BENCHMARKS.md "Lineage first load"): the same graph in a minute instead of seven at 30,000
 * targets; `syncSeconds` is then the export + import + server start + schema time.
 */
export async function benchLineage(
  targets: number,
  n: number,
  log: (s: string) => void,
  opts: { load?: 'sync' | 'import'; existing?: { uri: string; user: string; password: string }; router?: boolean } = {},
): Promise<LineageRow> {
  const router = opts.router ?? routerBuild() !== null;
  if (opts.existing) return measureLineage(targets, n, log, opts.existing, 0, async () => {}, router);
  const scenario = getScenario({ targets });
  const sources = {
    training: new BuiltinTrainingConnector(scenario),
    catalog: new BuiltinCatalogConnector(scenario),
    inference: new BuiltinInferenceConnector(scenario),
    projects: scenarioProjects(scenario),
  };
  const t0 = performance.now();
  const importDir = opts.load === 'import' ? path.join(os.tmpdir(), `lineage-bench-import-${process.pid}`) : null;
  if (importDir) {
    rmSync(importDir, { recursive: true, force: true });
    await exportGraphForImport(sources, importDir);
  }
  const neo = await startLocalNeo4j({ heap: '2g', pagecache: '2g', env: importDir ? { NEO4J_IMPORT_DIR: importDir } : {} });
  const logger = createLogger('bench', 'silent');
  try {
    const store = new Neo4jLineageStore({ uri: neo.uri, user: neo.user, password: neo.password, database: 'neo4j' }, logger);
    const tSync = importDir ? t0 : performance.now();
    await store.init();
    if (importDir) rmSync(importDir, { recursive: true, force: true });
    else await syncOnce(store, sources);
    const syncSeconds = (performance.now() - tSync) / 1000;
    log(`  ${importDir ? 'imported' : 'synced'} in ${syncSeconds.toFixed(1)} s`);
    await store.close();
    return await measureLineage(targets, n, log, neo, syncSeconds, () => neo.stop(), router);
  } catch (e) {
    await neo.stop();
    throw e;
  }
}

/**
 * The timed part, on a graph already loaded (`syncSeconds` only reports how long that took).
 * Standalone with `--existing <json>` it measures a running Neo4j, so two commits' subgraphs
 * can be timed on the same graph in alternation.
 */
async function measureLineage(
  targets: number,
  n: number,
  log: (s: string) => void,
  neo: { uri: string; user: string; password: string },
  syncSeconds: number,
  done: () => Promise<void>,
  router: boolean,
): Promise<LineageRow> {
  const scenario = getScenario({ targets });
  const store = new Neo4jLineageStore({ uri: neo.uri, user: neo.user, password: neo.password, database: 'neo4j' }, createLogger('bench', 'silent'));
  try {
    const counts = await store.counts();
    log(`  ${counts.relationships} relationships`);
    const stack = await startStack({ targets, neo4j: { uri: neo.uri, user: neo.user, password: neo.password } });
    // Started after the first, whose lineage subgraph has made its first sync pass by then.
    const routed = router ? await startStack({ targets, neo4j: { uri: neo.uri, user: neo.user, password: neo.password }, gateway: { engine: 'hive-router' } }) : null;
    const champion = scenario.modelVersions.find((m) => m.targetId && m.aliases.includes('champion') && m.derivedFrom)!.id;
    const cases: LineageRow['cases'] = [];
    const caller = await signCaller(stack.internalKey, ANONYMOUS_VIEWER, 3600);
    const viaSubgraph = async (gql: string, id: string) => {
      const res = await fetch(stack.subgraphs.lineage.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller },
        body: JSON.stringify({ query: gql, variables: { id } }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    const run = async (name: string, gql: string, id: string, direct: () => Promise<unknown>, fixedCost = false) => {
      const check = await stack.query(gql, { id });
      if (check.errors) throw new Error(JSON.stringify(check.errors));
      // The two engines must give the same answer, or their times compare nothing.
      if (routed && JSON.stringify(await routed.query(gql, { id })) !== JSON.stringify(check)) throw new Error(`${name}: the hive-router engine answered differently`);
      // In turns, so the ratios compare the paths under the same machine state.
      const paths: Record<string, () => Promise<void>> = {
        gateway: async () => {
          await stack.query(gql, { id });
        },
        subgraph: () => viaSubgraph(gql, id),
        direct: async () => {
          await direct();
        },
      };
      if (routed) paths.router = async () => void (await routed.query(gql, { id }));
      fullGc();
      const m = await measureAlternating(n, 10, paths);
      const { gateway, subgraph, direct: d, router: r } = m as Record<string, Summary> & { gateway: Summary; subgraph: Summary; direct: Summary; router?: Summary };
      const ratio = (s: Summary) => Math.round((s.p50 / d.p50) * 100) / 100;
      cases.push({ case: name, gateway, subgraph, direct: d, ratioP50: ratio(gateway), ...(r ? { router: r, routerRatioP50: ratio(r) } : {}), ...(fixedCost ? { fixedCost: true as const } : {}) });
      log(`  ${name}: gateway p50 ${gateway.p50} ms${r ? `, hive-router engine p50 ${r.p50} ms` : ''}, lineage subgraph p50 ${subgraph.p50} ms, direct p50 ${d.p50} ms`);
    };
    await run('deprecationImpact base model (fan-out)', IMPACT, 'pump-anomaly-base/2', () => store.deprecationImpact('pump-anomaly-base/2', 1000));
    await run('deprecationImpact base model, ≤ 1,000 items (limit 333)', IMPACT_1000_ITEMS, 'pump-anomaly-base/2', () => store.deprecationImpact('pump-anomaly-base/2', 333));
    await run('deprecationImpact machine champion', IMPACT, champion, () => store.deprecationImpact(champion, 1000));
    await run('lineage BOTH depth 3 maxNodes 200', LINEAGE, champion, () =>
      buildLineage(store, { rootId: champion, direction: 'BOTH', depth: 3, types: null, at: null, maxNodes: 200 }),
    );
    const target = scenario.targets[0]!.id;
    await run('one target by id (fixed cost)', TARGET, target, () => store.getTargets([target]), true);
    await stack.stop();
    await routed?.stop();
    await store.close();
    return {
      targets,
      nodes: counts.nodes,
      relationships: counts.relationships,
      syncSeconds: Math.round(syncSeconds * 10) / 10,
      relationshipsPerSecond: syncSeconds ? Math.round(counts.relationships / syncSeconds) : 0,
      cases,
    };
  } finally {
    await store.close().catch(() => {});
    await done();
  }
}

/** Standalone: `npx tsx test/bench/lineage.ts --targets 30000 --load import [--n 200] [--router yes|no]` prints the rows as JSON. */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string', default: '30000' },
      load: { type: 'string', default: 'import' },
      n: { type: 'string', default: '200' },
      existing: { type: 'string' },
      // yes | no; default: yes when router/install.sh has built the router.
      router: { type: 'string' },
    },
  });
  const existing = values.existing ? (JSON.parse(readFileSync(values.existing, 'utf8')) as { uri: string; user: string; password: string }) : undefined;
  const row = await benchLineage(Number(values.targets), Number(values.n), (s) => process.stderr.write(`${s}\n`), {
    load: values.load === 'sync' ? 'sync' : 'import',
    existing,
    ...(values.router ? { router: values.router === 'yes' } : {}),
  });
  console.log(JSON.stringify(row, null, 2));
  process.exit(0);
}
