import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { training } from './server.ts';

const scenario = getScenario();
const connector = instrument(new BuiltinTrainingConnector(scenario));
const { server, context } = training.createServer(connector, createLogger('t', 'silent'));
const run = async (q: string, v?: Record<string, unknown>) => execute(server, await context(), q, v);

describe('training subgraph contract', () => {
  beforeAll(() => connector.calls.reset());

  it('resolves ModelVersion representations in one batched registry call, null for unknown', async () => {
    const ids = scenario.modelVersions.slice(0, 50).map((m) => m.id);
    connector.calls.reset();
    const res = await run(entitiesQuery('ModelVersion', 'id name version metric(key: "f1")'), {
      r: [...ids, 'missing/1'].map((id) => ({ __typename: 'ModelVersion', id })),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.slice(0, 50).map((e: any) => e.id)).toEqual(ids);
    expect(res.data!._entities[50]).toBeNull();
    expect(res.data!._entities[0].metric).toBe(scenario.modelVersions[0]!.metrics.f1);
    expect(connector.calls.byMethod.get('getModelVersions')).toBe(1);
  });

  it('resolves TrainingRun representations with params and dataset references', async () => {
    const r = scenario.runs[5]!;
    const res = await run(entitiesQuery('TrainingRun', 'id codeVersion param(key: "algorithm") datasets { id } modelVersions { id }'), {
      r: [{ __typename: 'TrainingRun', id: r.id }],
    });
    expect(res.data!._entities[0]).toEqual({
      id: r.id,
      codeVersion: r.codeVersion,
      param: r.params.algorithm,
      datasets: r.inputs.map((id) => ({ id })),
      modelVersions: scenario.modelVersions.filter((m) => m.runId === r.id).map((m) => ({ id: m.id })),
    });
  });

  it('compares model versions with deltas against the first and the best per metric', async () => {
    const [a, b] = scenario.modelVersions.filter((m) => m.targetId === scenario.targets[0]!.id);
    const res = await run(`{ compareModelVersions(ids: ["${a!.id}", "${b!.id}", "nope/1"]) { modelVersions { id } metrics { key values deltas best } } }`);
    const f1 = res.data!.compareModelVersions.metrics.find((m: any) => m.key === 'f1');
    expect(f1.values).toEqual([a!.metrics.f1, b!.metrics.f1, null]);
    expect(f1.deltas[1]).toBeCloseTo(b!.metrics.f1! - a!.metrics.f1!, 6);
    expect(f1.best).toBe(a!.metrics.f1! >= b!.metrics.f1! ? a!.id : b!.id);
    const loss = res.data!.compareModelVersions.metrics.find((m: any) => m.key === 'loss');
    expect(loss.best).toBe(a!.metrics.loss! <= b!.metrics.loss! ? a!.id : b!.id);
    expect(res.data!.compareModelVersions.modelVersions[2]).toBeNull();
  });

  it('filters and pages model versions by alias', async () => {
    const champions = scenario.modelVersions.filter((m) => m.aliases.includes('champion'));
    const res = await run(`{ modelVersions(filter: { alias: "champion" }, first: 500) { totalCount nodes { aliases } } }`);
    expect(res.data!.modelVersions.totalCount).toBe(champions.length);
    for (const n of res.data!.modelVersions.nodes) expect(n.aliases).toContain('champion');
  });
});
