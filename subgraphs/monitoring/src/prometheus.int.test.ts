/**
 * The monitoring subgraph over a real Prometheus (health evaluations of the 30-target slice
 * backfilled by promtool): target, deployment and model version health come out as the
 * built-in platform's, through `_entities`; with Prometheus stopped, the health fields fail with
 * UPSTREAM_UNAVAILABLE naming monitoring, and nothing about the server leaks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, getScenario } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { BuiltinMonitoringConnector, PrometheusMonitoringConnector } from '@mlops/connectors/monitoring';
import { startLocalPrometheus, type LocalPrometheus } from '../../../prometheus/local-server.mjs';
import { backfill } from '../../../prometheus/backfill.ts';
import { monitoring } from './server.ts';

const scenario = getScenario({ targets: 30 });
let prom: LocalPrometheus;
let overProm: (q: string, v?: Record<string, unknown>) => ReturnType<typeof execute>;
let overBuiltin: typeof overProm;

const SELECTION = 'id health { status accuracy drift latencyP95Ms errorRate evaluatedAt }';

beforeAll(async () => {
  const blocks = mkdtempSync(path.join(tmpdir(), 'mlops-blocks-'));
  await backfill({ scenario, outDir: blocks, series: false });
  prom = await startLocalPrometheus({ blocksDir: blocks });
  rmSync(blocks, { recursive: true, force: true });
  const p = monitoring.createServer(new PrometheusMonitoringConnector({ url: prom.url }), createLogger('t', 'silent'));
  const b = monitoring.createServer(new BuiltinMonitoringConnector(scenario), createLogger('t', 'silent'));
  overProm = async (q, v) => execute(p.server, await p.context(), q, v);
  overBuiltin = async (q, v) => execute(b.server, await b.context(), q, v);
}, 180_000);
afterAll(async () => {
  await prom?.stop();
});

describe('monitoring subgraph over Prometheus', () => {
  it('answers target, deployment and model version health as the built-in platform does', async () => {
    const cases: [string, string[]][] = [
      ['ReleaseTarget', scenario.targets.map((t) => t.id)],
      ['Deployment', scenario.deployments.map((d) => d.id)],
      ['ModelVersion', scenario.modelVersions.map((m) => m.id)],
    ];
    for (const [typename, ids] of cases) {
      const q = entitiesQuery(typename, SELECTION);
      const v = { r: ids.map((id) => ({ __typename: typename, id })) };
      const [p, b] = await Promise.all([overProm(q, v), overBuiltin(q, v)]);
      expect(p.errors).toBeUndefined();
      expect(p.data).toEqual(b.data);
      expect((b.data!._entities as { health: unknown }[]).filter((e) => e?.health).length).toBeGreaterThan(0);
    }
  });

  it('with Prometheus down, health fails as UPSTREAM_UNAVAILABLE naming monitoring, leaking nothing', async () => {
    await prom.stop();
    const res = await overProm(entitiesQuery('Deployment', SELECTION), { r: [{ __typename: 'Deployment', id: scenario.deployments[0]!.id }] });
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) {
      expect(e.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', platform: 'monitoring' });
      expect(e.message).toBe('The monitoring platform is unavailable');
    }
    expect(JSON.stringify(res)).not.toContain(prom.url);
  });
});
