import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, healthOf, instrument, type Identity } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { monitoring } from './server.ts';
import { statusOf } from '@mlops/connectors/monitoring';

const scenario = getScenario();
const connector = instrument(new BuiltinMonitoringConnector(scenario));
const { server, context } = monitoring.createServer(connector, createLogger('t', 'silent'));
const run = async (q: string, v?: Record<string, unknown>) => execute(server, await context(), q, v);
const active = scenario.deployments.filter((d) => d.until === null);

describe('monitoring subgraph contract', () => {
  it('resolves Deployment representations: health in one batched call', async () => {
    const ds = active.slice(0, 40);
    connector.calls.reset();
    const res = await run(entitiesQuery('Deployment', 'id health { status drift accuracy latencyP95Ms }'), {
      r: ds.map((d) => ({ __typename: 'Deployment', id: d.id })),
    });
    res.data!._entities.forEach((e: any, i: number) => {
      const { deploymentId: _d, ...h } = healthOf(ds[i]!, scenario.options.anchor);
      expect(e.health.drift).toBe(h.drift);
      expect(e.health.status).toBe(statusOf(h));
    });
    expect(connector.calls.byMethod.get('healthOfDeployments')).toBe(1);
  });

  it('resolves ReleaseTarget representations with open alerts', async () => {
    const alert = scenario.alerts.find((a) => a.severity === 'CRITICAL')!;
    const res = await run(entitiesQuery('ReleaseTarget', 'id health { status } alerts { totalCount nodes { severity metric deployment { id } } }'), {
      r: [{ __typename: 'ReleaseTarget', id: alert.targetId }],
    });
    const e = res.data!._entities[0];
    expect(e.alerts.nodes.map((a: any) => a.deployment.id)).toContain(alert.deploymentId);
    expect(e.health.status).not.toBe('UNKNOWN');
  });

  it('resolves ModelVersion representations: worst health over serving deployments, UNKNOWN-free null for unserved', async () => {
    const res = await run(entitiesQuery('ModelVersion', 'id health { status }'), {
      r: [{ __typename: 'ModelVersion', id: 'pump-anomaly-fleet/2' }, { __typename: 'ModelVersion', id: 'never-deployed/1' }],
    });
    expect(res.data!._entities[0].health.status).toMatch(/HEALTHY|DEGRADED|CRITICAL/);
    expect(res.data!._entities[1].health).toBeNull();
  });

  it('returns a bounded metric series and refuses windows over 1,000 points', async () => {
    const d = active[0]!;
    const ok = await run(entitiesQuery('Deployment', 'series(metric: DRIFT_SCORE) { metric stepSeconds points { at value } }'), {
      r: [{ __typename: 'Deployment', id: d.id }],
    });
    const s = ok.data!._entities[0].series;
    expect(s.metric).toBe('DRIFT_SCORE');
    expect(s.points.length).toBeGreaterThan(0);
    expect(s.points.length).toBeLessThanOrEqual(7 * 24 + 1);
    const bad = await run(entitiesQuery('Deployment', 'series(metric: ACCURACY, from: "2025-01-01T00:00:00Z", stepSeconds: 60) { metric }'), {
      r: [{ __typename: 'Deployment', id: d.id }],
    });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('stepSeconds');
  });
});

describe('monitoring subgraph: project scope', () => {
  const A = 'pump-anomaly';
  const pumpViewer: Identity = { sub: 'pump-viewer', name: 'pump viewer', roles: { [A]: 'viewer' }, anonymous: false };
  const runAs = async (caller: Identity, q: string, v?: Record<string, unknown>) => execute(server, await context(undefined, caller), q, v);
  const projectOfTarget = new Map(scenario.targets.map((t) => [t.id, t.projectId]));
  const mineAlert = (a: { targetId: string }) => projectOfTarget.get(a.targetId) === A;
  const ownActive = active.filter((d) => projectOfTarget.get(d.targetId) === A);
  const otherActive = active.filter((d) => projectOfTarget.get(d.targetId) !== A);
  const served = new Set(active.map((d) => d.modelVersionId));
  const ownServed = scenario.modelVersions.filter((m) => m.projectId === A && served.has(m.id));
  const otherServed = scenario.modelVersions.filter((m) => m.projectId !== A && served.has(m.id));

  it('alerts lists exactly the own project, counted on the platform, whatever the filter', async () => {
    const q = (filter: string) => `{ alerts(${filter} first: 500) { totalCount nodes { id deployment { id } target { id } } } }`;
    const own = scenario.alerts.filter(mineAlert);
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(scenario.alerts.length);
    const res = await runAs(pumpViewer, q('filter: { openOnly: false }'));
    expect(res.data!.alerts.totalCount).toBe(own.length);
    expect(res.data!.alerts.nodes.map((a: any) => a.id).sort()).toEqual(own.map((a) => a.id).sort());
    for (const a of res.data!.alerts.nodes) expect(projectOfTarget.get(a.target.id)).toBe(A);
    const critical = own.filter((a) => a.severity === 'CRITICAL');
    expect((await runAs(pumpViewer, q('filter: { severity: CRITICAL }'))).data!.alerts.totalCount).toBe(critical.length);
    const theirs = scenario.alerts.find((a) => !mineAlert(a))!;
    expect((await runAs(pumpViewer, q(`filter: { targetId: "${theirs.targetId}" }`))).data!.alerts.totalCount).toBe(0);
    expect((await run(q(`filter: { targetId: "${theirs.targetId}" }`))).data!.alerts.totalCount).toBeGreaterThan(0);
  });

  it('_entities: Deployment, ReleaseTarget and ModelVersion of another project resolve to null, one platform call per batch', async () => {
    const alerting = new Set(scenario.alerts.map((a) => a.deploymentId));
    // Alerting deployments first, so both sides carry alerts as well as health.
    const pick = (ds: typeof active) => [...ds.filter((d) => alerting.has(d.id)).slice(0, 5), ...ds.filter((d) => !alerting.has(d.id)).slice(0, 5)];
    const ds = [...pick(ownActive), ...pick(otherActive)];
    const ts = [...new Set(ds.map((d) => d.targetId))];
    const ms = [...ownServed.slice(0, 10), ...otherServed.slice(0, 10)];
    connector.calls.reset();
    const rd = await runAs(pumpViewer, entitiesQuery('Deployment', 'id health { drift } alerts { id } series(metric: ACCURACY) { points { value } }'), {
      r: ds.map((d) => ({ __typename: 'Deployment', id: d.id })),
    });
    expect(rd.errors).toBeUndefined();
    rd.data!._entities.forEach((e: any, i: number) => {
      const d = ds[i]!;
      if (projectOfTarget.get(d.targetId) !== A) return expect(e).toBeNull();
      expect(e.health.drift).toBe(healthOf(d, scenario.options.anchor).drift);
      expect(e.alerts.map((a: any) => a.id)).toEqual(scenario.alerts.filter((a) => a.deploymentId === d.id).map((a) => a.id));
      expect(e.series.points.length).toBeGreaterThan(0);
    });
    expect(rd.data!._entities.filter((e: any) => e?.alerts.length > 0).length).toBeGreaterThan(0);
    const rt = await runAs(pumpViewer, entitiesQuery('ReleaseTarget', 'id health { status } alerts(openOnly: false) { totalCount }'), {
      r: ts.map((id) => ({ __typename: 'ReleaseTarget', id })),
    });
    rt.data!._entities.forEach((e: any, i: number) => {
      const t = ts[i]!;
      if (projectOfTarget.get(t) !== A) return expect(e).toBeNull();
      expect(e.health.status).not.toBe('UNKNOWN');
      expect(e.alerts.totalCount).toBe(scenario.alerts.filter((a) => a.targetId === t).length);
    });
    const rm = await runAs(pumpViewer, entitiesQuery('ModelVersion', 'id health { status }'), { r: ms.map((m) => ({ __typename: 'ModelVersion', id: m.id })) });
    rm.data!._entities.forEach((e: any, i: number) => {
      if (ms[i]!.projectId !== A) return expect(e).toBeNull();
      expect(e.health.status).toMatch(/HEALTHY|DEGRADED|CRITICAL/);
    });
    const calls = Object.fromEntries(connector.calls.byMethod);
    expect(calls).toMatchObject({ projectsOfDeployments: 1, healthOfDeployments: 1, alertsByDeployments: 1, projectsOfTargets: 1, healthOfTargets: 1, alertsByTargets: 1, projectsOfModelVersions: 1, healthOfModelVersions: 1 });
    // A range query per visible deployment asked (series are not batched); none for the others.
    expect(calls.series).toBe(ds.filter((d) => projectOfTarget.get(d.targetId) === A).length);
  });

  it('a caller who sees every project gets other projects too, with no project lookup', async () => {
    connector.calls.reset();
    const res = await run(entitiesQuery('Deployment', 'id health { drift }'), { r: otherActive.slice(0, 5).map((d) => ({ __typename: 'Deployment', id: d.id })) });
    expect(res.data!._entities.every((e: any) => e.health !== null)).toBe(true);
    expect(Object.fromEntries(connector.calls.byMethod)).toEqual({ healthOfDeployments: 1 });
  });
});
