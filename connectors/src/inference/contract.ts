/**
 * The InferenceConnector contract for what every serving platform can do: hot swap, rollback,
 * the deployment history that records them, and refusing an unknown target or version with a
 * payload error and no change on the server. One vitest suite, run against the built-in
 * registry (builtin.contract.test.ts) and a real MLServer (mlserver.int.test.ts).
 *
 * Expectations come from the scenario and the requests the suite makes, never from the
 * connector. The built-in registry starts with the scenario's history and MLServer with none, so
 * history is checked from the suite's first deploy on (the newest entries), and `observe()` asks
 * the platform itself what it serves (the built-in registry: its open deployments; MLServer: the
 * versions loaded and READY on the server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '@mlops/kit/scenario';
import type { DeploymentModel, InferenceConnector } from './types.ts';

export interface OpenedInference {
  connector: InferenceConnector;
  scenario: Scenario;
  /** What the platform itself serves on a target now: model version ids, sorted. */
  observe: (targetId: string) => Promise<string[]>;
  cleanup: () => Promise<void>;
}

export interface InferenceContractOptions {
  /** For `open()`: a real platform may install and start first. Default 60 s. */
  openTimeoutMs?: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Two targets of one project and three model versions of that project (deterministic). */
export function contractSlice(s: Scenario) {
  const target = s.targets.find((t) => s.modelVersions.filter((m) => m.projectId === t.projectId).length >= 3)!;
  const other = s.targets.find((t) => t.id !== target.id && t.projectId === target.projectId)!;
  const versions = s.modelVersions.filter((m) => m.projectId === target.projectId).sort((a, b) => cmp(a.id, b.id));
  const [a, b, c] = [versions[0]!.id, versions[Math.floor(versions.length / 2)]!.id, versions.at(-1)!.id];
  return { target, other, a, b, c };
}

const serving = (ds: DeploymentModel[]) => ds.filter((d) => d.until === null);

export function describeInferenceConnectorContract(name: string, open: () => Promise<OpenedInference>, opts: InferenceContractOptions = {}): void {
  describe(`InferenceConnector contract: ${name}`, () => {
    let o: OpenedInference;
    let c: InferenceConnector;
    let slice: ReturnType<typeof contractSlice>;
    // Far after the scenario's history, increasing: the suite's changes are the newest.
    const at = (i: number) => new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString();
    const history = async (targetId: string) => (await c.deploymentsByTargets([targetId]))[0]!;

    beforeAll(async () => {
      o = await open();
      c = o.connector;
      slice = contractSlice(o.scenario);
    }, opts.openTimeoutMs ?? 60_000);
    afterAll(async () => {
      await o?.cleanup();
    });

    it('HOT_SWAP puts the version on the target: one ACTIVE deployment at 100 %, served by the platform', async () => {
      const { target, a } = slice;
      const before = (await history(target.id)).length;
      const out = await c.deploy({ targetId: target.id, modelVersionId: a, strategy: 'HOT_SWAP', at: at(1) });
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ targetId: target.id, projectId: target.projectId, modelVersionId: a, trafficPercent: 100, state: 'ACTIVE', strategy: 'HOT_SWAP', since: at(1), until: null, updatedAt: at(1) });
      expect(await o.observe(target.id)).toEqual([a]);
      const h = await history(target.id);
      expect(h.length).toBeGreaterThan(before);
      expect(h[0]).toEqual(out[0]);
      expect(serving(h)).toEqual(out);
      expect(await c.getDeployments([out[0]!.id, 'no-such-deployment'])).toEqual([out[0], null]);
    });

    it('deploying what already serves changes nothing (idempotent)', async () => {
      const { target, a } = slice;
      const h0 = await history(target.id);
      const out = await c.deploy({ targetId: target.id, modelVersionId: a, strategy: 'HOT_SWAP', at: at(2) });
      expect(out).toEqual(serving(h0));
      expect(await history(target.id)).toEqual(h0);
    });

    it('HOT_SWAP to another version retires the old one at the switch; only the new one serves', async () => {
      const { target, a, b } = slice;
      const out = await c.deploy({ targetId: target.id, modelVersionId: b, strategy: 'HOT_SWAP', at: at(3) });
      expect(out.map((d) => [d.modelVersionId, d.state, d.trafficPercent, d.since])).toEqual([[b, 'ACTIVE', 100, at(3)]]);
      expect(await o.observe(target.id)).toEqual([b]);
      const [now, prev] = await history(target.id);
      expect(now).toEqual(out[0]);
      expect(prev).toMatchObject({ modelVersionId: a, state: 'RETIRED', since: at(1), until: at(3), updatedAt: at(3) });
      const [ofB, ofA] = await c.deploymentsByModelVersions([b, a]);
      expect(ofB![0]).toEqual(now);
      expect(ofA!.find((d) => d.id === prev!.id)).toEqual(prev);
    });

    it('ROLLBACK restores the previous version and marks the one it replaces ROLLED_BACK', async () => {
      const { target, a, b } = slice;
      const out = await c.deploy({ targetId: target.id, modelVersionId: a, strategy: 'ROLLBACK', at: at(4) });
      expect(out.map((d) => [d.modelVersionId, d.state, d.strategy, d.since])).toEqual([[a, 'ACTIVE', 'ROLLBACK', at(4)]]);
      expect(await o.observe(target.id)).toEqual([a]);
      const [now, rolledBack] = await history(target.id);
      expect(now).toEqual(out[0]);
      expect(rolledBack).toMatchObject({ modelVersionId: b, state: 'ROLLED_BACK', until: at(4) });
      const active = await c.listDeployments({ targetId: target.id, activeOnly: true }, { first: 10, after: null });
      expect(active.items).toEqual(out);
      const rb = await c.listDeployments({ targetId: target.id, state: 'ROLLED_BACK' }, { first: 100, after: null });
      expect(rb.items.map((d) => d.id)).toContain(rolledBack!.id);
    });

    it('the change feed has every change of the suite, oldest change first', async () => {
      const { target } = slice;
      const feed = await c.changedDeployments(at(1), { first: 100, after: null });
      // Opened by the suite (the built-in registry's scenario deployment closed at(1) is in the feed too).
      const mine = feed.items.filter((d) => d.targetId === target.id && d.since >= at(1));
      const rows = mine.map((d) => [d.modelVersionId, d.state, d.updatedAt] as const).sort((x, y) => cmp(x[2], y[2]) || cmp(x[1], y[1]));
      expect(rows).toEqual([
        [slice.a, 'RETIRED', at(3)],
        [slice.a, 'ACTIVE', at(4)],
        [slice.b, 'ROLLED_BACK', at(4)],
      ]);
      const ups = feed.items.map((d) => d.updatedAt);
      expect(ups).toEqual([...ups].sort(cmp));
    });

    it('an unknown target is refused with a payload error naming the argument, and nothing changes', async () => {
      const { target, c: v } = slice;
      const h0 = await history(target.id);
      const seen = await o.observe(target.id);
      await expect(c.deploy({ targetId: 'plant-x/line-0/no-such-machine', modelVersionId: v, strategy: 'HOT_SWAP', at: at(5) })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'targetId' },
      });
      expect(await history(target.id)).toEqual(h0);
      expect(await o.observe(target.id)).toEqual(seen);
      expect(await o.observe('plant-x/line-0/no-such-machine')).toEqual([]);
    });

    it('an unknown model version is refused with a payload error naming the argument, and nothing changes', async () => {
      const { target } = slice;
      const h0 = await history(target.id);
      const seen = await o.observe(target.id);
      await expect(c.deploy({ targetId: target.id, modelVersionId: 'no-such-model/999', strategy: 'HOT_SWAP', at: at(6) })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'modelVersionId' },
      });
      expect(await history(target.id)).toEqual(h0);
      expect(await o.observe(target.id)).toEqual(seen);
    });

    it('targets are independent: a swap on one leaves the other as it was', async () => {
      const { target, other, c: v } = slice;
      const h0 = await history(target.id);
      const out = await c.deploy({ targetId: other.id, modelVersionId: v, strategy: 'HOT_SWAP', at: at(7) });
      expect(out.map((d) => [d.targetId, d.modelVersionId, d.state])).toEqual([[other.id, v, 'ACTIVE']]);
      expect(await o.observe(other.id)).toEqual([v]);
      expect(await history(target.id)).toEqual(h0);
      expect(await o.observe(target.id)).toEqual([slice.a]);
      expect(await c.projectsOfTargets([target.id, other.id, 'nope'])).toEqual([target.projectId, other.projectId, null]);
    });

    it('declares the strategies it supports, HOT_SWAP and ROLLBACK among them', () => {
      const s = c.supportedStrategies ?? ['HOT_SWAP', 'CANARY', 'PROMOTION', 'ROLLBACK'];
      expect(s).toEqual(expect.arrayContaining(['HOT_SWAP', 'ROLLBACK']));
    });
  });
}
