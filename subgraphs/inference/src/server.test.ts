import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument, type Identity } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { inference } from './server.ts';

const scenario = getScenario();
const connector = instrument(new BuiltinInferenceConnector(scenario));
const { server, context } = inference.createServer(connector, createLogger('t', 'silent'));
const run = async (q: string, v?: Record<string, unknown>) => execute(server, await context(), q, v);

describe('inference subgraph contract', () => {
  it('resolves Deployment representations in one batch', async () => {
    const ds = scenario.deployments.slice(0, 30);
    connector.calls.reset();
    const res = await run(entitiesQuery('Deployment', 'id trafficPercent state target { id } modelVersion { id }'), {
      r: ds.map((d) => ({ __typename: 'Deployment', id: d.id })),
    });
    expect(res.data!._entities).toEqual(
      ds.map((d) => ({ id: d.id, trafficPercent: d.trafficPercent, state: d.state, target: { id: d.targetId }, modelVersion: { id: d.modelVersionId } })),
    );
    expect(connector.calls.total()).toBe(1);
  });

  it('resolves ReleaseTarget representations: current deployments, history and as-of, one call for many targets', async () => {
    const targets = scenario.targets.slice(0, 25);
    connector.calls.reset();
    const res = await run(entitiesQuery('ReleaseTarget', 'id currentDeployments { id } deploymentHistory(first: 500) { totalCount } deploymentsAt(at: "2026-06-01T00:00:00Z") { id }'), {
      r: targets.map((t) => ({ __typename: 'ReleaseTarget', id: t.id })),
    });
    expect(res.errors).toBeUndefined();
    const at = Date.parse('2026-06-01T00:00:00Z');
    res.data!._entities.forEach((e: any, i: number) => {
      const mine = scenario.deployments.filter((d) => d.targetId === targets[i]!.id);
      expect(e.currentDeployments.map((d: any) => d.id).sort()).toEqual(mine.filter((d) => d.until === null).map((d) => d.id).sort());
      expect(e.deploymentHistory.totalCount).toBe(mine.length);
      const expectedAt = mine.filter((d) => Date.parse(d.since) <= at && (d.until === null || Date.parse(d.until) > at));
      expect(e.deploymentsAt.map((d: any) => d.id).sort()).toEqual(expectedAt.map((d) => d.id).sort());
    });
    expect(connector.calls.byMethod.get('deploymentsByTargets')).toBe(1);
  });

  it('resolves ModelVersion representations: a fleet version serves several targets', async () => {
    const fleet = scenario.modelVersions.find((m) => m.id === 'pump-anomaly-fleet/2')!;
    const res = await run(entitiesQuery('ModelVersion', 'id deployments(first: 500) { totalCount nodes { target { id } } }'), {
      r: [{ __typename: 'ModelVersion', id: fleet.id }],
    });
    const serving = scenario.deployments.filter((d) => d.modelVersionId === fleet.id && d.until === null);
    expect(res.data!._entities[0].deployments.totalCount).toBe(serving.length);
    expect(serving.length).toBeGreaterThan(1);
  });
});

describe('inference subgraph: project scope', () => {
  const A = 'pump-anomaly';
  const pumpViewer: Identity = { sub: 'pump-viewer', name: 'pump viewer', roles: { [A]: 'viewer' }, anonymous: false };
  const runAs = async (caller: Identity, q: string, v?: Record<string, unknown>) => execute(server, await context(undefined, caller), q, v);
  const projectOfTarget = new Map(scenario.targets.map((t) => [t.id, t.projectId]));
  const own = scenario.deployments.filter((d) => projectOfTarget.get(d.targetId) === A);
  const other = scenario.deployments.filter((d) => projectOfTarget.get(d.targetId) !== A);
  const ownTargets = scenario.targets.filter((t) => t.projectId === A);
  const otherTargets = scenario.targets.filter((t) => t.projectId !== A);
  const ownModels = scenario.modelVersions.filter((m) => m.projectId === A);
  const otherModels = scenario.modelVersions.filter((m) => m.projectId !== A);

  it('deployments lists exactly the own project, paged and counted on the platform', async () => {
    const page = async (filter: string) => {
      const ids: string[] = [];
      let after: string | null = null;
      let total = -1;
      do {
        const res = await runAs(pumpViewer, `query($after: String) { deployments(${filter} first: 500, after: $after) { totalCount nodes { id endpoint } pageInfo { hasNextPage endCursor } } }`, { after });
        expect(res.errors).toBeUndefined();
        total = res.data!.deployments.totalCount;
        ids.push(...res.data!.deployments.nodes.map((n: { id: string }) => n.id));
        after = res.data!.deployments.pageInfo.hasNextPage ? res.data!.deployments.pageInfo.endCursor : null;
      } while (after);
      return { ids: ids.sort(), total };
    };
    expect(own.length).toBeGreaterThan(500);
    expect(await page('')).toEqual({ ids: own.map((d) => d.id).sort(), total: own.length });
    const active = own.filter((d) => d.until === null);
    expect(await page('filter: { activeOnly: true }')).toEqual({ ids: active.map((d) => d.id).sort(), total: active.length });
    // Naming another project's target or model version finds nothing.
    expect(await page(`filter: { targetId: "${other[0]!.targetId}" }`)).toEqual({ ids: [], total: 0 });
    expect(await page(`filter: { modelVersionId: "${other[0]!.modelVersionId}" }`)).toEqual({ ids: [], total: 0 });
    expect((await run(`{ deployments(filter: { targetId: "${other[0]!.targetId}" }) { totalCount } }`)).data!.deployments.totalCount).toBeGreaterThan(0);
  });

  it('deployment answers null for another project', async () => {
    const q = `{ a: deployment(id: "${own[0]!.id}") { id endpoint } b: deployment(id: "${other[0]!.id}") { id endpoint } }`;
    expect((await runAs(pumpViewer, q)).data).toEqual({ a: { id: own[0]!.id, endpoint: own[0]!.endpoint }, b: null });
    expect((await run(q)).data!.b).toEqual({ id: other[0]!.id, endpoint: other[0]!.endpoint });
  });

  it('_entities: Deployment, ReleaseTarget and ModelVersion of another project resolve to null, one platform call per batch', async () => {
    const ds = [...own.slice(0, 10), ...other.slice(0, 10)];
    const ts = [...ownTargets.slice(0, 10), ...otherTargets.slice(0, 10)];
    const ms = [...ownModels.slice(0, 10), ...otherModels.slice(0, 10)];
    connector.calls.reset();
    const rd = await runAs(pumpViewer, entitiesQuery('Deployment', 'id'), { r: ds.map((d) => ({ __typename: 'Deployment', id: d.id })) });
    expect(rd.data!._entities).toEqual(ds.map((d) => (projectOfTarget.get(d.targetId) === A ? { id: d.id } : null)));
    const rt = await runAs(pumpViewer, entitiesQuery('ReleaseTarget', 'id currentDeployments { id } deploymentHistory(first: 500) { totalCount } deploymentsAt(at: "2026-06-01T00:00:00Z") { id }'), {
      r: ts.map((t) => ({ __typename: 'ReleaseTarget', id: t.id })),
    });
    expect(rt.errors).toBeUndefined();
    const at = Date.parse('2026-06-01T00:00:00Z');
    rt.data!._entities.forEach((e: any, i: number) => {
      const t = ts[i]!;
      if (t.projectId !== A) return expect(e).toBeNull();
      const mine = scenario.deployments.filter((d) => d.targetId === t.id);
      expect(e.currentDeployments.map((d: any) => d.id).sort()).toEqual(mine.filter((d) => d.until === null).map((d) => d.id).sort());
      expect(e.deploymentHistory.totalCount).toBe(mine.length);
      expect(e.deploymentsAt.map((d: any) => d.id).sort()).toEqual(mine.filter((d) => Date.parse(d.since) <= at && (d.until === null || Date.parse(d.until) > at)).map((d) => d.id).sort());
    });
    const rm = await runAs(pumpViewer, entitiesQuery('ModelVersion', 'id deployments(activeOnly: false, first: 500) { totalCount nodes { id } }'), {
      r: ms.map((m) => ({ __typename: 'ModelVersion', id: m.id })),
    });
    rm.data!._entities.forEach((e: any, i: number) => {
      const m = ms[i]!;
      if (m.projectId !== A) return expect(e).toBeNull();
      const mine = scenario.deployments.filter((d) => d.modelVersionId === m.id);
      expect(e.deployments.nodes.map((d: any) => d.id).sort()).toEqual(mine.map((d) => d.id).sort());
    });
    expect(Object.fromEntries(connector.calls.byMethod)).toEqual({
      getDeployments: 1,
      projectsOfTargets: 1,
      deploymentsByTargets: 1,
      projectsOfModelVersions: 1,
      deploymentsByModelVersions: 1,
    });
  });

  it('a reference whose project the platform cannot say is null for a scoped caller (fail closed)', async () => {
    const q = entitiesQuery('ReleaseTarget', 'id currentDeployments { id }');
    const r = { r: [{ __typename: 'ReleaseTarget', id: 'plant-z/line-1/unknown-001' }] };
    expect((await runAs(pumpViewer, q, r)).data!._entities).toEqual([null]);
    expect((await run(q, r)).data!._entities).toEqual([{ id: 'plant-z/line-1/unknown-001', currentDeployments: [] }]);
  });

  it('supportedStrategies on Project and ReleaseTarget: every strategy on the built-in platform, null for another project, no platform call', async () => {
    const all = ['HOT_SWAP', 'CANARY', 'PROMOTION', 'ROLLBACK'];
    connector.calls.reset();
    const projects = await runAs(pumpViewer, entitiesQuery('Project', 'id supportedStrategies'), { r: [A, 'motor-vibration'].map((id) => ({ __typename: 'Project', id })) });
    expect(projects.errors).toBeUndefined();
    expect(projects.data!._entities).toEqual([{ id: A, supportedStrategies: all }, null]);
    expect(connector.calls.total()).toBe(0);
    const targets = await run(entitiesQuery('ReleaseTarget', 'id supportedStrategies'), { r: [{ __typename: 'ReleaseTarget', id: ownTargets[0]!.id }] });
    expect(targets.data!._entities).toEqual([{ id: ownTargets[0]!.id, supportedStrategies: all }]);
  });

  it('a caller who sees every project pays no project lookup for references', async () => {
    connector.calls.reset();
    const res = await run(entitiesQuery('ReleaseTarget', 'id currentDeployments { id }'), { r: otherTargets.slice(0, 5).map((t) => ({ __typename: 'ReleaseTarget', id: t.id })) });
    expect(res.data!._entities.every((e: any) => e.currentDeployments.length > 0)).toBe(true);
    expect(Object.fromEntries(connector.calls.byMethod)).toEqual({ deploymentsByTargets: 1 });
  });
});
