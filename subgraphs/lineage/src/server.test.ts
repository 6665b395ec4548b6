import { describe, expect, it } from 'vitest';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { createLogger, DEV_AUTH, getScenario, instrument } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { createLineageBackend } from './backend.ts';
import { MemoryLineageStore } from './store/memory.ts';
import { lineage } from './server.ts';

const scenario = getScenario();
const raw = await MemoryLineageStore.fromScenario(scenario);
const store = instrument(raw);
const backendOptions = () => ({
  platforms: {
    training: new BuiltinTrainingConnector(scenario),
    catalog: new BuiltinCatalogConnector(scenario),
    inference: new BuiltinInferenceConnector(scenario),
    monitoring: new BuiltinMonitoringConnector(scenario),
  },
  auth: { ...DEV_AUTH, anonymousRole: 'viewer' as const },
  webhookSecret: 'test-webhook-secret',
  logger: createLogger('t', 'silent'),
});
const backend = createLineageBackend({ ...backendOptions(), store, rawStore: raw });
const { server, context } = lineage.createServer(backend, createLogger('t', 'silent'));
const run = async (q: string, v?: Record<string, unknown>) => execute(server, await context(), q, v);

describe('lineage subgraph contract', () => {
  it('resolves ReleaseTarget representations in one batch, with their project', async () => {
    const ts = scenario.targets.slice(100, 160);
    store.calls.reset();
    const res = await run(entitiesQuery('ReleaseTarget', 'id name line project { id owners }'), {
      r: [...ts.map((t) => ({ __typename: 'ReleaseTarget', id: t.id })), { __typename: 'ReleaseTarget', id: 'nope' }],
    });
    expect(res.data!._entities.slice(0, 60).map((e: any) => e.id)).toEqual(ts.map((t) => t.id));
    expect(res.data!._entities[60]).toBeNull();
    expect(store.calls.byMethod.get('getTargets')).toBe(1);
    expect(store.calls.byMethod.get('getProjects')).toBe(1);
  });

  it('resolves Project representations with paged, filtered targets', async () => {
    const res = await run(entitiesQuery('Project', 'id releaseTargets(filter: { line: "line-3" }, first: 500) { totalCount nodes { line } }'), {
      r: [{ __typename: 'Project', id: 'pump-anomaly' }],
    });
    const expected = scenario.targets.filter((t) => t.projectId === 'pump-anomaly' && t.line === 'line-3');
    expect(res.data!._entities[0].releaseTargets.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('lists projects and filters targets by search across projects', async () => {
    const res = await run(`{ projects { totalCount nodes { id } } releaseTargets(filter: { search: "MOTOR-01" }, first: 500) { totalCount } }`);
    expect(res.data!.projects.totalCount).toBe(3);
    expect(res.data!.releaseTargets.totalCount).toBe(scenario.targets.filter((t) => t.id.includes('motor-01')).length);
  });
});

describe('targets named by an impact', () => {
  it('answers from the impact read, and names a target it could not describe', async () => {
    // A store whose inference sync has not delivered one target's description yet.
    const raw2 = await MemoryLineageStore.fromScenario(scenario);
    let hidden = '';
    const described = raw2.getTargets.bind(raw2);
    raw2.getTargets = async (ids) => (await described(ids)).map((t) => (t?.id === hidden ? null : t));
    const store2 = instrument(raw2);
    const backend2 = createLineageBackend({ ...backendOptions(), store: store2, rawStore: raw2 });
    const s = lineage.createServer(backend2, createLogger('t', 'silent'));
    const champion = scenario.modelVersions.find((m) => m.targetId && m.aliases.includes('champion'))!;
    const q = `query($id: ID!) { deprecationImpact(modelVersionId: $id) { targets { role target { id name } } } }`;

    const ok = await execute(s.server, await s.context(), q, { id: champion.id });
    expect(ok.errors).toBeUndefined();
    const ids = ok.data!.deprecationImpact.targets.map((t: any) => t.target.id);
    expect(ids).toContain(champion.targetId);
    expect(ok.data!.deprecationImpact.targets.every((t: any) => typeof t.target.name === 'string' && t.target.name.length > 0)).toBe(true);
    // The targets came with the impact's own read: no second store call for them.
    expect(store2.calls.byMethod.get('getTargets') ?? 0).toBe(0);

    hidden = champion.targetId!;
    const bad = await execute(s.server, await s.context(), q, { id: champion.id });
    expect(bad.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(bad.errors?.[0]?.message).toBe(`release target ${JSON.stringify(champion.targetId)} is referenced in the lineage graph but not yet synced`);
  });
});
