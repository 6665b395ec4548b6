/**
 * The flagship query over the real platforms: training on a real MLflow 3.17.2 (installed,
 * started and seeded with the 60-target scenario slice by this file) and the catalog on the
 * OpenLineage intake (fed the same slice by the real openlineage-python client, stored in the
 * real Neo4j) answers exactly what it answers over the built-in platforms, field by field. Run
 * ids are MLflow's own, so the answer is read back through the seeding's run id map first.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpenLineageCatalogConnector } from '@mlops/connectors/catalog';
import { MlflowTrainingConnector } from '@mlops/connectors/training';
import { startLocalMlflow, type LocalMlflow } from '../../mlflow/local-server.mjs';
import { seedMlflow } from '../../mlflow/seed.ts';
import { seedOpenLineage } from '../../openlineage/seed.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { wipeNeo4j } from '../helpers/neo4j-wipe.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');
const TARGETS = 60;

let mlflow: LocalMlflow | undefined;
let builtin: Stack | undefined;
let real: Stack | undefined;
let olCatalog: OpenLineageCatalogConnector | undefined;
let toScenarioIds: (json: string) => string;
let requests = 0;
const counting: typeof fetch = (input, init) => {
  requests++;
  return fetch(input, init);
};

beforeAll(async () => {
  mlflow = await startLocalMlflow({ log: (l: string) => process.stderr.write(`${l}\n`) });
  const { runIds } = await seedMlflow({ url: mlflow.url, targets: TARGETS });
  toScenarioIds = (json) => {
    let out = json;
    for (const [scenarioId, mlflowId] of runIds) out = out.replaceAll(mlflowId, scenarioId);
    return out;
  };
  builtin = await startStack({ targets: TARGETS, neo4j: null });
  const c = inject('neo4j');
  await wipeNeo4j(c);
  olCatalog = new OpenLineageCatalogConnector({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' });
  real = await startStack({
    targets: TARGETS,
    neo4j: { uri: c.uri, user: c.user, password: c.password },
    syncIntervalMs: 0,
    // A long experiment cache, so a request count does not depend on when the cache was last read.
    training: new MlflowTrainingConnector({ url: mlflow.url, fetch: counting, experimentCacheMs: 600_000 }),
    catalog: olCatalog,
  });
  // The catalog learns the slice from RunEvents sent to this stack's own intake, as from any producer.
  const sent = await seedOpenLineage({ url: real.subgraphs.lineage.url.replace(/\/graphql$/, ''), targets: TARGETS, token: await token('openlineage-seed', { '*': 'platform-writer' }) });
  process.stderr.write(`[test] openlineage-python sent ${sent.sent} RunEvents in ${sent.sendSeconds} s\n`);
  await real.sync.runOnce();
}, 900_000);

afterAll(async () => {
  await Promise.all([builtin?.stop(), real?.stop()]);
  await olCatalog?.close();
  await wipeNeo4j(inject('neo4j'));
  await mlflow?.stop();
});

describe('flagship query over a real MLflow and the OpenLineage catalog', () => {
  it('answers every project exactly as over the built-in platforms, field by field', async () => {
    real!.resetCounts();
    for (const p of builtin!.scenario.projects) {
      const want = await builtin!.query(FLAGSHIP, { projectId: p.id, first: 100 });
      const got = await real!.query(FLAGSHIP, { projectId: p.id, first: 100 });
      expect(want.errors).toBeUndefined();
      expect(got.errors).toBeUndefined();
      expect(want.data.releaseTargets.nodes.length).toBeGreaterThan(10);
      expect(JSON.parse(toScenarioIds(JSON.stringify(got.data)))).toEqual(want.data);
    }
    // The datasets (owners, uris, derived-from) came from the OpenLineage store, not the scenario.
    expect(real!.connectors.catalog.calls.byMethod.get('getDatasetVersions') ?? 0).toBeGreaterThan(0);
  });

  it('costs the same number of MLflow requests and catalog calls for 5 targets as for 20', async () => {
    const count = async (first: number) => {
      const before = requests;
      real!.resetCounts();
      const res = await real!.query(FLAGSHIP, { projectId: 'pump-anomaly', first });
      expect(res.errors).toBeUndefined();
      expect(res.data.releaseTargets.nodes).toHaveLength(first);
      return { mlflow: requests - before, catalog: real!.connectors.catalog.calls.total() };
    };
    await count(5); // the first query of a stack reads MLflow's experiment list
    const [five, twenty] = [await count(5), await count(20)];
    expect(five).toEqual(twenty);
    expect(twenty.mlflow).toBeLessThanOrEqual(8);
    expect(twenty.catalog).toBeGreaterThan(0);
  });

  it('with MLflow stopped: the model versions are null with an error naming training, every other field answers', async () => {
    await mlflow!.halt();
    const want = await builtin!.query(FLAGSHIP, { projectId: 'energy-forecast', first: 5 });
    const res = await real!.query(FLAGSHIP, { projectId: 'energy-forecast', first: 5 });
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'training' });
    // Exactly the training platform's part is missing: each deployment's modelVersion (and the
    // run and datasets under it). Targets, deployments, traffic, state and health all answer.
    const withoutTraining = structuredClone(want.data);
    for (const n of withoutTraining.releaseTargets.nodes) for (const d of n.currentDeployments) d.modelVersion = null;
    expect(withoutTraining.releaseTargets.nodes.flatMap((n: any) => n.currentDeployments).length).toBeGreaterThan(0);
    expect(res.data).toEqual(withoutTraining);
    // Recovery without a restart: MLflow back on the same port, the full answer again.
    await mlflow!.resume();
    await expect.poll(async () => JSON.parse(toScenarioIds(JSON.stringify((await real!.query(FLAGSHIP, { projectId: 'energy-forecast', first: 5 })).data))), { timeout: 60_000, interval: 1_000 }).toEqual(want.data);
  });
});
