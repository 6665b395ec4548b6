import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument, type Identity } from '@mlops/kit';
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

describe('training subgraph: project scope', () => {
  const A = 'pump-anomaly';
  const pumpViewer: Identity = { sub: 'pump-viewer', name: 'pump viewer', roles: { [A]: 'viewer' }, anonymous: false };
  const allViewer: Identity = { sub: 'all-viewer', name: 'all viewer', roles: { '*': 'viewer' }, anonymous: false };
  const runAs = async (caller: Identity, q: string, v?: Record<string, unknown>) => execute(server, await context(undefined, caller), q, v);
  const newestFirst = <T extends { id: string }>(at: (x: T) => string) => (a: T, b: T) => at(b).localeCompare(at(a)) || a.id.localeCompare(b.id);
  const ownVersions = scenario.modelVersions.filter((m) => m.projectId === A).sort(newestFirst((m) => m.createdAt));
  const otherVersions = scenario.modelVersions.filter((m) => m.projectId !== A);
  const ownRuns = scenario.runs.filter((r) => r.projectId === A).sort(newestFirst((r) => r.startTime));
  const otherRuns = scenario.runs.filter((r) => r.projectId !== A);

  /** Every node of a root connection, page by page (500 at a time). */
  const everything = async (caller: Identity, field: string, args: string) => {
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = -1;
    do {
      const res = await runAs(caller, `query($after: String) { ${field}(${args} first: 500, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(res.errors).toBeUndefined();
      const conn = res.data![field];
      totalCount = conn.totalCount;
      ids.push(...conn.nodes.map((n: { id: string }) => n.id));
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    } while (after);
    return { ids, totalCount };
  };

  it('modelVersions and trainingRuns list exactly the own project, paged and counted in the registry', async () => {
    expect(ownVersions.length).toBeGreaterThan(500); // so paging across the scope is exercised
    const versions = await everything(pumpViewer, 'modelVersions', '');
    expect(versions).toEqual({ ids: ownVersions.map((m) => m.id), totalCount: ownVersions.length });
    const runs = await everything(pumpViewer, 'trainingRuns', '');
    expect(runs).toEqual({ ids: ownRuns.map((r) => r.id), totalCount: ownRuns.length });
    // With a filter, the scope still applies (champions exist in every project).
    const champions = await everything(pumpViewer, 'modelVersions', 'filter: { alias: "champion" }');
    expect(champions.ids).toEqual(ownVersions.filter((m) => m.aliases.includes('champion')).map((m) => m.id));
    const everyone = await everything(allViewer, 'modelVersions', 'filter: { alias: "champion" }');
    expect(everyone.totalCount).toBe(scenario.modelVersions.filter((m) => m.aliases.includes('champion')).length);
    expect(everyone.totalCount).toBeGreaterThan(champions.totalCount);
  });

  it('a name or experiment of another project lists nothing', async () => {
    const other = otherVersions[0]!;
    const res = await runAs(pumpViewer, `{ modelVersions(filter: { name: "${other.name}" }) { totalCount } trainingRuns(filter: { experiment: "${otherRuns[0]!.experiment}" }) { totalCount } }`);
    expect(res.data).toEqual({ modelVersions: { totalCount: 0 }, trainingRuns: { totalCount: 0 } });
  });

  it('modelVersion, trainingRun and compareModelVersions answer null for another project', async () => {
    const [mine, theirs] = [ownVersions[0]!, otherVersions[0]!];
    const q = `{ a: modelVersion(id: "${mine.id}") { id run { id } } b: modelVersion(id: "${theirs.id}") { id } c: trainingRun(id: "${ownRuns[0]!.id}") { id } d: trainingRun(id: "${otherRuns[0]!.id}") { id }
      compareModelVersions(ids: ["${mine.id}", "${theirs.id}"]) { modelVersions { id } metrics { key values best } } }`;
    const res = await runAs(pumpViewer, q);
    expect(res.errors).toBeUndefined();
    expect(res.data!.a).toEqual({ id: mine.id, run: { id: mine.runId } });
    expect(res.data!.b).toBeNull();
    expect(res.data!.c).toEqual({ id: ownRuns[0]!.id });
    expect(res.data!.d).toBeNull();
    expect(res.data!.compareModelVersions.modelVersions).toEqual([{ id: mine.id }, null]);
    for (const m of res.data!.compareModelVersions.metrics) {
      expect(m.values).toEqual([mine.metrics[m.key], null]);
      expect(m.best).toBe(mine.id);
    }
    const all = await run(q);
    expect(all.data!.b).toEqual({ id: theirs.id });
    expect(all.data!.d).toEqual({ id: otherRuns[0]!.id });
  });

  it('_entities: ModelVersion and TrainingRun of another project resolve to null, in one registry call per type', async () => {
    const mvs = [...ownVersions.slice(0, 20), ...otherVersions.slice(0, 20)];
    const runs = [...ownRuns.slice(0, 20), ...otherRuns.slice(0, 20)];
    connector.calls.reset();
    const res = await runAs(pumpViewer, entitiesQuery('ModelVersion', 'id run { id }'), { r: mvs.map((m) => ({ __typename: 'ModelVersion', id: m.id })) });
    expect(res.data!._entities).toEqual(mvs.map((m) => (m.projectId === A ? { id: m.id, run: { id: m.runId } } : null)));
    const res2 = await runAs(pumpViewer, entitiesQuery('TrainingRun', 'id modelVersions { id }'), { r: runs.map((r) => ({ __typename: 'TrainingRun', id: r.id })) });
    expect(res2.data!._entities).toEqual(
      runs.map((r) => (r.projectId === A ? { id: r.id, modelVersions: scenario.modelVersions.filter((m) => m.runId === r.id).map((m) => ({ id: m.id })) } : null)),
    );
    expect(connector.calls.byMethod.get('getModelVersions')).toBe(1);
    expect(connector.calls.byMethod.get('getRuns')).toBe(2); // the entities batch, and ModelVersion.run's batch
    expect(connector.calls.byMethod.get('modelVersionsByRuns')).toBe(1);
  });

  it('a caller on several projects sees each of them and nothing else', async () => {
    const two: Identity = { sub: 'two', name: 'two', roles: { [A]: 'viewer', 'energy-forecast': 'approver' }, anonymous: false };
    const res = await everything(two, 'trainingRuns', '');
    expect(res.totalCount).toBe(scenario.runs.filter((r) => r.projectId === A || r.projectId === 'energy-forecast').length);
    expect(res.totalCount).toBeLessThan(scenario.runs.length);
  });
});
