import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, healthOf, instrument } from '@mlops/kit';
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
