/**
 * The flagship query through the real gateway and all five subgraphs, checked against the
 * scenario's own data; plus the no-N+1 guarantee (connector calls do not grow with page size).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthOf } from '@mlops/kit';
import { startStack, type Stack } from '../helpers/start-stack.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('flagship query', () => {
  it('answers what is deployed where, trained on what, with health, matching the scenario', async () => {
    const res = await stack.query(FLAGSHIP, { projectId: 'pump-anomaly', first: 10 });
    expect(res.errors).toBeUndefined();
    const s = stack.scenario;
    const expectedTargets = s.targets.filter((t) => t.projectId === 'pump-anomaly').sort((a, b) => (a.id < b.id ? -1 : 1));
    const conn = res.data.releaseTargets;
    expect(conn.totalCount).toBe(expectedTargets.length);
    expect(conn.nodes.map((n: any) => n.id)).toEqual(expectedTargets.slice(0, 10).map((t) => t.id));
    let checkedDatasets = 0;
    for (const node of conn.nodes) {
      const serving = s.deployments.filter((d) => d.targetId === node.id && d.until === null);
      expect(node.currentDeployments.map((d: any) => d.id).sort()).toEqual(serving.map((d) => d.id).sort());
      for (const dep of node.currentDeployments) {
        const sd = s.index.deployment.get(dep.id)!;
        expect(dep.trafficPercent).toBe(sd.trafficPercent);
        const mv = s.index.modelVersion.get(sd.modelVersionId)!;
        expect(dep.modelVersion.id).toBe(mv.id);
        expect(dep.modelVersion.aliases).toEqual(mv.aliases);
        expect(Object.fromEntries(dep.modelVersion.metrics.map((m: any) => [m.key, m.value]))).toEqual(mv.metrics);
        const run = s.index.run.get(mv.runId)!;
        expect(dep.modelVersion.run.id).toBe(run.id);
        expect(Object.fromEntries(dep.modelVersion.run.params.map((p: any) => [p.key, p.value]))).toEqual(run.params);
        expect(dep.modelVersion.run.datasets.map((d: any) => d.id)).toEqual(run.inputs);
        for (const ds of dep.modelVersion.run.datasets) {
          const sdv = s.index.datasetVersion.get(ds.id)!;
          expect(ds.uri).toBe(sdv.uri);
          expect(ds.owner).toBe(sdv.owner);
          expect(ds.derivedFrom.map((x: any) => x.id)).toEqual(sdv.derivedFrom);
          checkedDatasets++;
        }
        const h = healthOf(sd, s.options.anchor);
        expect(dep.health.drift).toBe(h.drift);
        expect(dep.health.accuracy).toBe(h.accuracy);
        expect(['HEALTHY', 'DEGRADED', 'CRITICAL']).toContain(dep.health.status);
      }
    }
    expect(checkedDatasets).toBeGreaterThanOrEqual(10);
  });

  it('pages with cursors: the second page continues where the first ended', async () => {
    const p1 = await stack.query(FLAGSHIP, { projectId: 'motor-vibration', first: 3 });
    const p2 = await stack.query(FLAGSHIP, { projectId: 'motor-vibration', first: 3, after: p1.data.releaseTargets.pageInfo.endCursor });
    const both = await stack.query(FLAGSHIP, { projectId: 'motor-vibration', first: 6 });
    expect([...p1.data.releaseTargets.nodes, ...p2.data.releaseTargets.nodes].map((n: any) => n.id)).toEqual(
      both.data.releaseTargets.nodes.map((n: any) => n.id),
    );
  });

  it('makes the same subgraph requests and backend calls for 10, 100 and 500 targets (no N+1), and exactly these', async () => {
    // A slice big enough for a 500-target page of one project (the page maximum).
    const big = await startStack({ targets: 1600, neo4j: null });
    try {
      const countsFor = async (first: number) => {
        big.resetCounts();
        const res = await big.query(FLAGSHIP, { projectId: 'pump-anomaly', first });
        expect(res.errors).toBeUndefined();
        expect(res.data.releaseTargets.nodes).toHaveLength(first);
        return {
          connectors: Object.fromEntries(Object.entries(big.connectors).map(([k, c]) => [k, Object.fromEntries(c.calls.byMethod)])),
          subgraphRequests: Object.fromEntries(big.gateway.subgraphRequests.byService),
        };
      };
      const ten = await countsFor(10);
      expect(await countsFor(100)).toEqual(ten);
      expect(await countsFor(500)).toEqual(ten);
      // Pinned: one more round trip to any subgraph, or one more backend call, fails here.
      expect(ten).toEqual(EXPECTED_FLAGSHIP_COUNTS);
    } finally {
      await big.stop();
    }
  });
});

/** The flagship query's fetches: one request per subgraph per plan step, one backend call per loader. */
const EXPECTED_FLAGSHIP_COUNTS = {
  connectors: {
    lineage: { listTargets: 1 },
    inference: { deploymentsByTargets: 1 },
    training: { getModelVersions: 1, getRuns: 1 },
    // Two levels of datasets: the runs' inputs, then the versions they derive from.
    catalog: { getDatasetVersions: 2 },
    monitoring: { healthOfDeployments: 1 },
  },
  subgraphRequests: { lineage: 1, inference: 1, training: 1, catalog: 1, monitoring: 1 },
};
