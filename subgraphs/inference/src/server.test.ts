import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument } from '@mlops/kit';
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
