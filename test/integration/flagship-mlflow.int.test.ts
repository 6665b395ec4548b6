/**
 * The flagship query with the training platform on a real MLflow 3.17.2 (installed, started and
 * seeded with the 60-target scenario slice by this file) answers exactly what it answers over
 * the built-in platforms for the same slice, field by field. Run ids are MLflow's own, so the
 * MLflow answer is read back through the seeding's run id map before the comparison.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowTrainingConnector } from '@mlops/connectors/training';
import { startLocalMlflow, type LocalMlflow } from '../../mlflow/local-server.mjs';
import { seedMlflow } from '../../mlflow/seed.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');
const TARGETS = 60;

let mlflow: LocalMlflow | undefined;
let builtin: Stack | undefined;
let real: Stack | undefined;
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
  // A long experiment cache, so a request count does not depend on when the cache was last read.
  real = await startStack({ targets: TARGETS, neo4j: null, training: new MlflowTrainingConnector({ url: mlflow.url, fetch: counting, experimentCacheMs: 600_000 }) });
}, 900_000);

afterAll(async () => {
  await Promise.all([builtin?.stop(), real?.stop()]);
  await mlflow?.stop();
});

describe('flagship query over a real MLflow', () => {
  it('answers every project exactly as over the built-in platforms', async () => {
    for (const p of builtin!.scenario.projects) {
      const want = await builtin!.query(FLAGSHIP, { projectId: p.id, first: 100 });
      const got = await real!.query(FLAGSHIP, { projectId: p.id, first: 100 });
      expect(want.errors).toBeUndefined();
      expect(got.errors).toBeUndefined();
      expect(want.data.releaseTargets.nodes.length).toBeGreaterThan(10);
      expect(JSON.parse(toScenarioIds(JSON.stringify(got.data)))).toEqual(want.data);
    }
  });

  it('costs the same number of MLflow requests for 5 targets as for 20', async () => {
    const count = async (first: number) => {
      const before = requests;
      const res = await real!.query(FLAGSHIP, { projectId: 'pump-anomaly', first });
      expect(res.errors).toBeUndefined();
      expect(res.data.releaseTargets.nodes).toHaveLength(first);
      return requests - before;
    };
    await count(5); // the first query of a stack reads MLflow's experiment list
    const [five, twenty] = [await count(5), await count(20)];
    expect(five).toBe(twenty);
    expect(twenty).toBeLessThanOrEqual(8);
  });

  it('with MLflow stopped: every error names the training platform, the release targets still answer', async () => {
    await mlflow!.stop();
    const want = await builtin!.query(FLAGSHIP, { projectId: 'energy-forecast', first: 5 });
    const res = await real!.query(FLAGSHIP, { projectId: 'energy-forecast', first: 5 });
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) expect(e.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'training' });
    const head = (n: any) => ({ id: n.id, name: n.name, line: n.line });
    expect(res.data.releaseTargets.nodes.map(head)).toEqual(want.data.releaseTargets.nodes.map(head));
    expect(res.data.releaseTargets.totalCount).toBe(want.data.releaseTargets.totalCount);
    // Deployment.modelVersion and ModelVersion.name are non-null in the SDL, so a training outage
    // nulls up to the target's currentDeployments list (its inference and monitoring fields with it).
    for (const n of res.data.releaseTargets.nodes) expect(n.currentDeployments === null || n.currentDeployments.every((d: any) => d === null || d.modelVersion?.name == null)).toBe(true);
  });
});
