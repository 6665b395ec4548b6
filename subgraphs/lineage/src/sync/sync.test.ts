/**
 * The incremental sync's cost must follow the change, not the graph: after N changed
 * deployments a pass issues the same write transactions and statements (counted through the
 * pure builders, so the same count as on Neo4j) at every graph size. No time is asserted.
 */
import { describe, expect, it } from 'vitest';
import { getScenario } from '@mlops/kit';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { batchQueries } from '../cypher/writes.ts';
import { MemoryLineageStore } from '../store/memory.ts';
import type { GraphBatch } from '../store/types.ts';
import { afterNewestChange, rollBackTargets } from '../../../../test/helpers/rollbacks.ts';
import { scenarioProjects, syncOnce } from './sync.ts';

interface Counts {
  transactions: number;
  statements: number;
  rows: number;
  watermarkReads: number;
  freshnessReads: number;
}

async function incrementalAfter(targets: number, changed: number): Promise<Counts> {
  const scenario = getScenario({ targets });
  const store = new MemoryLineageStore();
  const counts: Counts = { transactions: 0, statements: 0, rows: 0, watermarkReads: 0, freshnessReads: 0 };
  const applyBatch = store.applyBatch.bind(store);
  store.applyBatch = async (b: GraphBatch) => {
    counts.transactions++;
    counts.statements += batchQueries(b).length;
    counts.rows += ['projects', 'targets', 'datasets', 'datasetVersions', 'runs', 'modelVersions', 'deployments'].reduce((s, k) => s + ((b[k as keyof GraphBatch] as unknown[] | undefined)?.length ?? 0), 0);
    return applyBatch(b);
  };
  const setWatermark = store.setWatermark.bind(store);
  store.setWatermark = async (...a) => {
    counts.transactions++;
    counts.statements++;
    return setWatermark(...a);
  };
  const getWatermarks = store.getWatermarks.bind(store);
  store.getWatermarks = async () => {
    counts.watermarkReads++;
    return getWatermarks();
  };
  const getFreshness = store.getFreshness.bind(store);
  store.getFreshness = async () => {
    counts.freshnessReads++;
    return getFreshness();
  };
  const inference = new BuiltinInferenceConnector(scenario);
  const src = {
    training: new BuiltinTrainingConnector(scenario),
    catalog: new BuiltinCatalogConnector(scenario),
    inference,
    projects: scenarioProjects(scenario),
  };
  await syncOnce(store, src);

  const { changed: done } = await rollBackTargets(inference, scenario, changed, afterNewestChange(scenario, 1));
  expect(done).toBe(changed);

  for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] = 0;
  await syncOnce(store, src);
  return counts;
}

describe('incremental sync', () => {
  it('issues the same writes after N changed deployments whatever the graph size', async () => {
    const small = await incrementalAfter(150, 40);
    const large = await incrementalAfter(1500, 40);
    // Rows are left out of the equality: the feeds resume at `>=` the watermark (at least once),
    // so records sharing the newest timestamp come again, and a denser scenario has more of them.
    const { rows: _s, ...smallWrites } = small;
    const { rows: _l, ...largeWrites } = large;
    expect(largeWrites).toEqual(smallWrites);
    // One read of the watermarks (never the node counts, which scan the graph); one write per
    // platform's page plus its watermark: lineage, inference's targets and deployments, catalog, training.
    expect(large.watermarkReads).toBe(1);
    expect(large.freshnessReads).toBe(0);
    expect(large.transactions).toBeLessThanOrEqual(10);
    // The rows follow the change: each rollback closes one deployment and opens another.
    expect(large.rows).toBeGreaterThanOrEqual(2 * 40);
  });
});

describe('a write that times out', () => {
  it('is split in halves until it fits, and the graph is the one an unhindered sync writes', async () => {
    const scenario = getScenario({ targets: 60 });
    const sources = () => ({
      training: new BuiltinTrainingConnector(scenario),
      catalog: new BuiltinCatalogConnector(scenario),
      inference: new BuiltinInferenceConnector(scenario),
      projects: scenarioProjects(scenario),
    });
    const plain = new MemoryLineageStore();
    await syncOnce(plain, sources(), { batchSize: 400, now: () => 'T' });

    // This store refuses (as Neo4j's write timeout does: nothing written) any batch over 120 records.
    const slow = new MemoryLineageStore();
    const applyBatch = slow.applyBatch.bind(slow);
    const sizes: number[] = [];
    let refused = 0;
    slow.applyBatch = async (b: GraphBatch) => {
      const n = ['targets', 'datasetVersions', 'modelVersions', 'deployments'].reduce((s, k) => s + ((b[k as keyof GraphBatch] as unknown[] | undefined)?.length ?? 0), 0);
      if (n > 120) {
        refused++;
        throw Object.assign(new Error('timed out'), { extensions: { code: 'LINEAGE_STORE_UNAVAILABLE', reason: 'TIMEOUT' } });
      }
      // A half carries only the datasets and runs its own records name.
      for (const v of b.datasets ?? []) expect(b.datasetVersions?.some((x) => x.datasetId === v.id)).toBe(true);
      for (const r of b.runs ?? []) expect(b.modelVersions?.some((m) => m.runId === r.id)).toBe(true);
      sizes.push(n);
      return applyBatch(b);
    };
    const reports = await syncOnce(slow, sources(), { batchSize: 400, now: () => 'T', minSplit: 50 });
    expect(refused).toBeGreaterThan(3);
    // Each refusal was one split, reported by platform for the sync loop's log.
    expect(reports.reduce((n, r) => n + (r.timedOutSplits ?? 0), 0)).toBe(refused);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(120);
    expect(await slow.counts()).toEqual(await plain.counts());
    expect(await slow.getWatermarks()).toEqual(await plain.getWatermarks());
    const ids = scenario.deployments.slice(0, 40).map((d) => d.targetId);
    expect(await slow.deployedTo(ids, null)).toEqual(await plain.deployedTo(ids, null));

    // Other errors, and timeouts below the smallest split, are not retried.
    const broken = new MemoryLineageStore();
    broken.applyBatch = async () => {
      throw Object.assign(new Error('timed out'), { extensions: { code: 'LINEAGE_STORE_UNAVAILABLE', reason: 'TIMEOUT' } });
    };
    await expect(syncOnce(broken, sources(), { batchSize: 400, minSplit: 50 })).rejects.toThrow(/timed out/);
  });
});

describe('after a large pass', () => {
  it('the store replans its writes once, at the end of the pass, and not after a small pass', async () => {
    const scenario = getScenario({ targets: 60 });
    const inference = new BuiltinInferenceConnector(scenario);
    const src = { training: new BuiltinTrainingConnector(scenario), catalog: new BuiltinCatalogConnector(scenario), inference, projects: scenarioProjects(scenario) };
    const store = new MemoryLineageStore();
    // The memory store has nothing to plan; this one records when it is asked, and what was written by then.
    const calls: number[] = [];
    let written = 0;
    const applyBatch = store.applyBatch.bind(store);
    const target = Object.assign(store, {
      applyBatch: async (b: GraphBatch) => {
        written++;
        return applyBatch(b);
      },
      replanWrites: async () => {
        calls.push(written);
      },
    });
    const first = await syncOnce(target, src, { replanAfter: 1000 });
    const records = first.reduce((n, r) => n + r.records, 0);
    expect(records).toBeGreaterThanOrEqual(1000);
    expect(calls).toEqual([written]);

    await rollBackTargets(inference, scenario, 5, afterNewestChange(scenario, 1));
    const second = await syncOnce(target, src, { replanAfter: 1000 });
    expect(second.reduce((n, r) => n + r.records, 0)).toBeLessThan(1000);
    expect(calls).toHaveLength(1);

    // The default threshold (10,000 records) is above this whole first load.
    const small = Object.assign(new MemoryLineageStore(), { replanWrites: async () => void calls.push(-1) });
    const again = await syncOnce(small, { ...src, inference: new BuiltinInferenceConnector(scenario) });
    expect(again.reduce((n, r) => n + r.records, 0)).toBeLessThan(10_000);
    expect(calls).toHaveLength(1);
  });
});
