/**
 * The MLServer inference connector over a real MLServer 1.7.1 that this file installs (once,
 * cached in mlserver/.cache/venv), starts on free ports and stops: the InferenceConnector
 * contract (the built-in registry runs the same suite in builtin.contract.test.ts), a hot swap
 * and its rollback under continuous load from 24 concurrent clients (issue 10, seed 003), CANARY
 * refused up front, a version unloaded behind the connector's back found by `reconcile()`, the
 * ledger surviving a new connector instance, and MLServer stopped.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, getScenario } from '@mlops/kit';
import { startLocalMlserver, type LocalMlserver } from '../../../mlserver/local-server.mjs';
import { contractSlice, describeInferenceConnectorContract } from './contract.ts';
import { MlserverInferenceConnector, mlserverVersionOf, modelNameOf, modelVersionIdOf } from './mlserver.ts';
import type { TargetModel } from './types.ts';

const scenario = getScenario({ targets: 60 });
const targets: TargetModel[] = scenario.targets.map((t) => ({ id: t.id, name: t.machine, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment, updatedAt: t.createdAt }));
const modelVersions = new Map(scenario.modelVersions.map((m) => [m.id, m.projectId]));
const log = (l: string) => process.stderr.write(`${l}\n`);

let server: Promise<LocalMlserver> | undefined;
const mlserver = () => {
  if (!server) {
    const t = Date.now();
    server = startLocalMlserver({ log }).then((s) => {
      log(`[test] MLServer at ${s.url} in ${((Date.now() - t) / 1000).toFixed(1)} s (install included when first)`);
      return s;
    });
  }
  return server;
};
afterAll(async () => {
  await (await server)?.stop();
});

const connectorFor = (s: LocalMlserver, ledgerDir = mkdtempSync(path.join(os.tmpdir(), 'mlserver-ledger-'))) =>
  new MlserverInferenceConnector({ url: s.url, modelRepository: s.modelRepository, ledgerDir, targets, modelVersions, implementation: s.implementation, drainMs: 300 });

/** Versions of the target's model that MLServer has loaded and READY, as registered ids. */
async function observe(s: LocalMlserver, targetId: string): Promise<string[]> {
  const name = modelNameOf(targetId);
  const r = await fetch(`${s.url}/v2/repository/index`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const index = (await r.json()) as { name: string; version?: string }[];
  const out: string[] = [];
  for (const i of index.filter((x) => x.name === name && x.version)) {
    const ready = await fetch(`${s.url}/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(i.version!)}/ready`);
    await ready.arrayBuffer();
    if (ready.status === 200) out.push(modelVersionIdOf(i.version!));
  }
  return out.sort();
}

describeInferenceConnectorContract(
  'mlserver',
  async () => {
    const s = await mlserver();
    return { connector: connectorFor(s), scenario, observe: (t) => observe(s, t), cleanup: async () => {} };
  },
  { openTimeoutMs: 600_000 },
);

// Targets of the contract's project the contract does not use.
const slice = contractSlice(scenario);
const spare = scenario.targets.filter((t) => t.projectId === slice.target.projectId && t.id !== slice.target.id && t.id !== slice.other.id);

describe('MLServer inference connector: beyond the contract', () => {
  let s: LocalMlserver;
  beforeAll(async () => {
    s = await mlserver();
  }, 600_000);

  it('hot swap and rollback under 24 concurrent clients: no failed request, each answer from the version the endpoint served', async () => {
    const c = connectorFor(s);
    const target = spare[0]!.id;
    const [oldV, newV] = [slice.a, slice.b];
    await c.deploy({ targetId: target, modelVersionId: oldV, strategy: 'HOT_SWAP' });

    type Rec = { client: number; start: number; end: number; expected: string; got: string | null; error: string | null };
    const recs: Rec[] = [];
    const MAX_REQUESTS = 40_000;
    let stop = false;
    const body = JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
    const client = async (id: number) => {
      while (!stop && recs.length < MAX_REQUESTS) {
        // The target's endpoint now, as the ledger says (what a router in front of MLServer does).
        const endpoint = c.endpointOf(target)!;
        const expected = modelVersionIdOf(decodeURIComponent(endpoint.split('/versions/')[1]!.split('/')[0]!));
        const start = performance.now();
        let got: string | null = null;
        let error: string | null = null;
        try {
          const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
          const j = (await r.json()) as { outputs?: { data: string[] }[]; error?: string };
          if (r.status === 200) got = j.outputs?.[0]?.data[0] ?? null;
          else error = `${r.status} ${j.error ?? ''}`;
        } catch (e) {
          error = String(e);
        }
        recs.push({ client: id, start, end: performance.now(), expected, got, error });
      }
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const clients = Array.from({ length: 24 }, (_, i) => client(i));
    await sleep(1000);
    const swapStart = performance.now();
    await c.deploy({ targetId: target, modelVersionId: newV, strategy: 'HOT_SWAP' });
    const swapEnd = performance.now();
    await sleep(1000);
    const rbStart = performance.now();
    await c.deploy({ targetId: target, modelVersionId: oldV, strategy: 'ROLLBACK' });
    const rbEnd = performance.now();
    await sleep(1000);
    stop = true;
    await Promise.all(clients);
    const testEnd = performance.now();

    const failed = recs.filter((r) => r.error !== null || r.got === null);
    const wrong = recs.filter((r) => r.got !== null && r.got !== r.expected);
    const phase = (from: number, to: number) => recs.filter((r) => r.start >= from && r.end <= to);
    const beforeSwap = recs.filter((r) => r.end <= swapStart);
    const between = phase(swapEnd, rbStart);
    const afterRb = recs.filter((r) => r.start >= rbEnd);
    const duringSwap = recs.filter((r) => r.end > swapStart && r.start < swapEnd);
    const duringRb = recs.filter((r) => r.end > rbStart && r.start < rbEnd);
    log(
      `[test] hot swap ${(swapEnd - swapStart).toFixed(0)} ms, rollback ${(rbEnd - rbStart).toFixed(0)} ms (each: load beside, READY + probe, switch, 300 ms drain, retire); ` +
        `${recs.length} requests in ${((testEnd - swapStart + 1000) / 1000).toFixed(1)} s from 24 clients, ${failed.length} failed; ` +
        `${duringSwap.length} during the swap, ${duringRb.length} during the rollback; answers: ${recs.filter((r) => r.got === oldV).length} old, ${recs.filter((r) => r.got === newV).length} new`,
    );
    // Figures for BENCHMARKS (printed, not asserted): throughput and p99 in steady state vs during the moves.
    const p99 = (rs: Rec[]) => {
      const l = rs.map((r) => r.end - r.start).sort((x, y) => x - y);
      return l.length ? l[Math.min(l.length - 1, Math.floor(l.length * 0.99))]!.toFixed(1) : '-';
    };
    const rps = (rs: Rec[], ms: number) => ((rs.length / ms) * 1000).toFixed(0);
    log(
      `[test] steady (before the swap): ${rps(beforeSwap, swapStart - beforeSwap[0]!.start)} req/s, p99 ${p99(beforeSwap)} ms; ` +
        `during the swap: ${rps(duringSwap, swapEnd - swapStart)} req/s, p99 ${p99(duringSwap)} ms; during the rollback: ${rps(duringRb, rbEnd - rbStart)} req/s, p99 ${p99(duringRb)} ms`,
    );
    expect(failed.slice(0, 5)).toEqual([]);
    expect(wrong.slice(0, 5)).toEqual([]);
    // Load really ran through both moves, and each phase was served by the version it should.
    expect(beforeSwap.length).toBeGreaterThan(24);
    expect(duringSwap.length).toBeGreaterThan(0);
    expect(duringRb.length).toBeGreaterThan(0);
    expect(new Set(beforeSwap.map((r) => r.got))).toEqual(new Set([oldV]));
    expect(between.length).toBeGreaterThan(24);
    expect(new Set(between.map((r) => r.got))).toEqual(new Set([newV]));
    expect(afterRb.length).toBeGreaterThan(24);
    expect(new Set(afterRb.map((r) => r.got))).toEqual(new Set([oldV]));
    // Per client, answers go old → new → old, never back and forth.
    for (let i = 0; i < 24; i++) {
      const seq = recs.filter((r) => r.client === i).map((r) => r.got);
      const changes = seq.filter((v, k) => k > 0 && v !== seq[k - 1]).length;
      expect(changes).toBeLessThanOrEqual(2);
    }
    expect(await observe(s, target)).toEqual([oldV]);
  }, 120_000);

  it('CANARY is refused before anything is written, naming MLServer and the strategies it supports', async () => {
    const c = connectorFor(s);
    const target = spare[1]!.id;
    await expect(c.deploy({ targetId: target, modelVersionId: slice.a, strategy: 'CANARY', trafficPercent: 10 })).rejects.toMatchObject({
      message: expect.stringMatching(/MLServer.*CANARY.*supports HOT_SWAP, ROLLBACK/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'strategy' },
    });
    expect(c.supportedStrategies).toEqual(['HOT_SWAP', 'ROLLBACK']);
    expect(existsSync(path.join(s.modelRepository, modelNameOf(target)))).toBe(false);
    expect(await c.deploymentsByTargets([target])).toEqual([[]]);
  });

  it('a version unloaded behind its back is found by reconcile(), closed and recorded; the ledger survives a new instance', async () => {
    const ledgerDir = mkdtempSync(path.join(os.tmpdir(), 'mlserver-ledger-'));
    const c = connectorFor(s, ledgerDir);
    // Another process's instance over the same ledger (the inference subgraph beside the release workflow).
    const reader = connectorFor(s, ledgerDir);
    const target = spare[2]!.id;
    const [d] = await c.deploy({ targetId: target, modelVersionId: slice.c, strategy: 'HOT_SWAP' });
    expect(await c.reconcile()).toEqual([]);
    expect(reader.endpointOf(target)).toBe(d!.endpoint);
    const r = await fetch(`${s.url}/v2/repository/models/${encodeURIComponent(modelNameOf(target))}/unload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    const found = await c.reconcile();
    expect(found).toEqual([expect.objectContaining({ kind: 'UNLOADED_OUTSIDE_CONNECTOR', targetId: target, modelVersionId: slice.c, deploymentId: d!.id })]);
    const [closed] = await c.getDeployments([d!.id]);
    expect(closed).toMatchObject({ state: 'RETIRED', until: found[0]!.at });
    expect(c.endpointOf(target)).toBeNull();
    expect(await c.reconcile()).toEqual([]);
    // Durable: a new instance over the same ledger directory knows the history and the outside change.
    const again = connectorFor(s, ledgerDir);
    expect(await again.deploymentsByTargets([target])).toEqual(await c.deploymentsByTargets([target]));
    expect(again.outsideChanges()).toEqual(found);
    expect(await reader.getDeployments([d!.id])).toEqual([closed]);
    expect(JSON.parse(readFileSync(path.join(ledgerDir, 'mlserver-ledger.json'), 'utf8')).outsideChanges).toHaveLength(1);
    // Deploying again brings it back.
    await again.deploy({ targetId: target, modelVersionId: slice.c, strategy: 'HOT_SWAP' });
    expect(await observe(s, target)).toEqual([slice.c]);
  });

  it('MLServer stopped: deploy fails with a ConnectorError naming mlserver, the ledger is unchanged; after a restart the retry completes', async () => {
    const own = await startLocalMlserver({ log, keepRunDir: true });
    const c = connectorFor(own);
    const target = spare[3]!.id;
    await c.deploy({ targetId: target, modelVersionId: slice.a, strategy: 'HOT_SWAP' });
    const before = await c.deploymentsByTargets([target]);
    await own.stop();
    const err = await c.deploy({ targetId: target, modelVersionId: slice.b, strategy: 'HOT_SWAP' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ platform: 'mlserver', kind: 'UNAVAILABLE' });
    expect(await c.deploymentsByTargets([target])).toEqual(before);
    expect(c.endpointOf(target)).toBe(before[0]![0]!.endpoint);
    // Nothing half-written: only the champion is in the model repository.
    expect(readdirSync(path.join(own.modelRepository, modelNameOf(target)))).toEqual([mlserverVersionOf(slice.a)]);

    const port = Number(new URL(own.url).port);
    const back = await startLocalMlserver({ log, runDir: own.runDir, ports: { http: port, grpc: own.grpcPort, metrics: own.metricsPort } });
    try {
      expect(await observe(back, target)).toEqual([slice.a]);
      const out = await c.deploy({ targetId: target, modelVersionId: slice.b, strategy: 'HOT_SWAP' });
      expect(out.map((d) => [d.modelVersionId, d.state])).toEqual([[slice.b, 'ACTIVE']]);
      expect(await observe(back, target)).toEqual([slice.b]);
    } finally {
      await back.stop();
    }
  }, 120_000);
});
