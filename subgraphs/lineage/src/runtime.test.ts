import { describe, expect, it } from 'vitest';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector, type TrainingConnector } from '@mlops/connectors/training';
import { createLogger, getScenario } from '@mlops/kit';
import { startSyncLoop } from './runtime.ts';
import { MemoryLineageStore } from './store/memory.ts';
import { scenarioProjects } from './sync/sync.ts';

const scenario = getScenario({ targets: 12, seed: 42 });

/** The built-in registry, with the number of feed reads in flight at once recorded. */
function watched() {
  const inner = new BuiltinTrainingConnector(scenario);
  const seen = { inFlight: 0, maxInFlight: 0, byId: [] as string[][] };
  const training: TrainingConnector = Object.assign(Object.create(inner) as TrainingConnector, {
    async changedModelVersions(...args: Parameters<TrainingConnector['changedModelVersions']>) {
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        await new Promise((r) => setTimeout(r, 20)); // a platform that takes a while
        return await inner.changedModelVersions(...args);
      } finally {
        seen.inFlight--;
      }
    },
    async getModelVersions(ids: readonly string[]) {
      seen.byId.push([...ids]);
      return inner.getModelVersions(ids);
    },
  });
  return { training, seen };
}

function loop(training: TrainingConnector, store = new MemoryLineageStore()) {
  const sources = {
    training,
    catalog: new BuiltinCatalogConnector(scenario),
    inference: new BuiltinInferenceConnector(scenario),
    projects: scenarioProjects(scenario),
  };
  return { store, sync: startSyncLoop(store, sources, createLogger('test', 'silent'), 0, { debounceMs: 30 }) };
}

describe('sync loop triggers (webhooks)', () => {
  it('merges triggers within the debounce into one incremental pass that re-reads every named version', async () => {
    const { training, seen } = watched();
    const { store, sync } = loop(training);
    const [a, b] = scenario.modelVersions;
    await Promise.all([sync.trigger([a!.id]), sync.trigger([b!.id]), sync.trigger([a!.id])]);
    expect(sync.incrementalPasses).toBe(1);
    expect(seen.byId.filter((ids) => ids.includes(a!.id) && ids.includes(b!.id))).toHaveLength(1);
    const training_ = (await store.getFreshness()).find((f) => f.platform === 'training');
    expect(training_?.nodes).toBeGreaterThan(0);
  });

  it('never runs two passes at once: a trigger during a full pass waits for it, then runs its own', async () => {
    const { training, seen } = watched();
    const { sync } = loop(training);
    const full = sync.runOnce();
    await new Promise((r) => setTimeout(r, 5));
    const t1 = sync.trigger([scenario.modelVersions[0]!.id]);
    const full2 = sync.runOnce();
    await Promise.all([full, t1, full2]);
    expect(seen.maxInFlight).toBe(1);
    expect(sync.incrementalPasses).toBe(1);
  });
});
