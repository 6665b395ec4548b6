/**
 * The LineageStore contract: one vitest suite that every store implementation runs (memory
 * here, Neo4j elsewhere). It loads a small scenario through the real sync over the built-in
 * platforms and checks every answer against values computed independently from the scenario
 * arrays (the "oracle" below), never from the store or its code.
 *
 * Usage: `describeLineageStoreContract('memory', async () => ({ store, cleanup }))`. Each
 * `open()` must give an empty store; the tests share it and run in order (the last ones write).
 * Store calls are kept few (samples of ids, batched keys) so a database round trip is cheap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getScenario, type Page, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { syncOnce, type SyncSources } from '../sync/sync.ts';
import {
  impactRefIds,
  PLATFORMS,
  type DatasetUsageModel,
  type DeploymentSpan,
  type DeprecationImpactModel,
  type Expansion,
  type ImpactTarget,
  type LineageEdge,
  type LineageGraphModel,
  type LineageNode,
  type LineageOptions,
  type LineageStore,
  type ProjectModel,
  type RelType,
  type ReleaseTargetModel,
  type ReuseEntry,
  type TargetDatasetCount,
  type TrainedOnEntry,
} from './types.ts';

export interface OpenedStore {
  store: LineageStore;
  cleanup: () => Promise<void>;
  /**
   * Waits for the store's background work (Neo4j: impact summaries being computed), so that a
   * later question is answered from it: the suite then covers both ways of answering.
   */
  settle?: () => Promise<void>;
}

/* ---------------------------------------------------------------------------------------------
 * The oracle: expected answers straight from the scenario arrays. Deliberately naive (linear
 * scans, no shared code with any store) so that it is easy to check by reading.
 * ------------------------------------------------------------------------------------------- */

type Dep = Scenario['deployments'][number];

const MAX_HOPS = 6;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const nullsFirst = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : cmp(a, b));
const uniqSorted = (xs: Iterable<string>) => [...new Set(xs)].sort(cmp);
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function isLive(d: Dep, at: string | null): boolean {
  return at === null ? d.until === null : d.since <= at && (d.until === null || d.until > at);
}

function spanOf(d: Dep): DeploymentSpan {
  return { deploymentId: d.id, modelVersionId: d.modelVersionId, targetId: d.targetId, from: d.since, to: d.until, trafficPercent: d.trafficPercent, state: d.state };
}

/** Evenly spaced picks from a list (deterministic). */
function sample<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

function cutTo<T>(xs: T[], limit: number): [T[], boolean] {
  return xs.length > limit ? [xs.slice(0, limit), true] : [xs, false];
}

function oracle(s: Scenario) {
  const runIdsProducing = (mvId: string) => uniqSorted(s.modelVersions.filter((m) => m.id === mvId).map((m) => m.runId));
  const modelsProducedBy = (runId: string) => s.modelVersions.filter((m) => m.runId === runId).map((m) => m.id);
  const runsConsuming = (dvId: string) => s.runs.filter((r) => r.inputs.includes(dvId)).map((r) => r.id);
  const inputsOf = (runId: string) => uniqSorted(s.runs.find((r) => r.id === runId)?.inputs ?? []);
  const liveTargetsOf = (mvId: string) => uniqSorted(s.deployments.filter((d) => d.modelVersionId === mvId && d.until === null).map((d) => d.targetId));
  const projectOfTarget = (targetId: string) => s.targets.find((t) => t.id === targetId)!.projectId;

  /** Nodes that reach `root` through 1..6 child links, with the shortest path [root, ..., node]. */
  function descendants(root: string, childrenOf: (id: string) => string[]): { id: string; path: string[] }[] {
    const found = new Map<string, string[]>();
    let level = [[root]];
    for (let hop = 1; hop <= MAX_HOPS; hop++) {
      const next: string[][] = [];
      for (const path of level) {
        for (const c of [...childrenOf(path.at(-1)!)].sort(cmp)) {
          if (c !== root && !found.has(c)) {
            found.set(c, [...path, c]);
            next.push([...path, c]);
          }
        }
      }
      level = next;
    }
    return [...found].map(([id, path]) => ({ id, path }));
  }
  const derivedModels = (mvId: string) => descendants(mvId, (id) => s.modelVersions.filter((m) => m.derivedFrom === id).map((m) => m.id));
  const derivedVersions = (dvId: string) => descendants(dvId, (id) => s.datasetVersions.filter((v) => v.derivedFrom.includes(id)).map((v) => v.id));

  function trainedOn(mvId: string, depth: number): TrainedOnEntry[] {
    const best = new Map<string, TrainedOnEntry>();
    for (const runId of runIdsProducing(mvId)) {
      const hops = new Map<string, number>();
      let level = inputsOf(runId);
      for (let d = 0; d <= depth; d++) {
        const next: string[] = [];
        for (const v of level) {
          if (hops.has(v)) continue;
          hops.set(v, d);
          next.push(...(s.datasetVersions.find((x) => x.id === v)?.derivedFrom ?? []));
        }
        level = next;
      }
      for (const [v, d] of hops) {
        const cur = best.get(v);
        if (!cur || d < cur.depth || (d === cur.depth && runId < cur.runId)) best.set(v, { datasetVersionId: v, depth: d, runId });
      }
    }
    return [...best.values()].sort((a, b) => a.depth - b.depth || cmp(a.datasetVersionId, b.datasetVersionId));
  }

  const deployedTo = (mvId: string, at: string | null) =>
    s.deployments
      .filter((d) => d.modelVersionId === mvId && isLive(d, at))
      .map(spanOf)
      .sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.from, b.from));

  const servedAt = (targetId: string, at: string | null) =>
    s.deployments
      .filter((d) => d.targetId === targetId && isLive(d, at))
      .map(spanOf)
      .sort((a, b) => b.trafficPercent - a.trafficPercent || cmp(a.modelVersionId, b.modelVersionId));

  function reusedBy(root: string, limit: number): { entries: ReuseEntry[]; truncated: boolean } {
    const all: ReuseEntry[] = [];
    if (!s.modelVersions.some((m) => m.id === root)) return { entries: [], truncated: false };
    for (const t of liveTargetsOf(root)) all.push({ kind: 'SAME_VERSION', modelVersionId: root, targetId: t, path: [root, t] });
    const reuser = (kind: 'DERIVED_MODEL' | 'SHARED_DATA', mv: string, path: string[]) => {
      const ts = liveTargetsOf(mv);
      if (ts.length === 0) all.push({ kind, modelVersionId: mv, targetId: null, path });
      for (const t of ts) all.push({ kind, modelVersionId: mv, targetId: t, path: [...path, t] });
    };
    for (const d of derivedModels(root)) reuser('DERIVED_MODEL', d.id, d.path);
    const viaData = new Map<string, string[]>(); // m2 → [root, r0, dv, r2, m2], smallest (dv, r0, r2)
    const candidates: { dv: string; r0: string; r2: string; m2: string }[] = [];
    for (const r0 of runIdsProducing(root)) {
      for (const dv of inputsOf(r0)) {
        for (const r2 of runsConsuming(dv)) {
          if (r2 === r0) continue;
          for (const m2 of modelsProducedBy(r2)) if (m2 !== root) candidates.push({ dv, r0, r2, m2 });
        }
      }
    }
    candidates.sort((a, b) => cmp(a.dv, b.dv) || cmp(a.r0, b.r0) || cmp(a.r2, b.r2));
    for (const c of candidates) if (!viaData.has(c.m2)) viaData.set(c.m2, [root, c.r0, c.dv, c.r2, c.m2]);
    for (const [m2, path] of viaData) reuser('SHARED_DATA', m2, path);
    const rank = { SAME_VERSION: 0, DERIVED_MODEL: 1, SHARED_DATA: 2 } as const;
    all.sort((a, b) => rank[a.kind] - rank[b.kind] || cmp(a.modelVersionId, b.modelVersionId) || nullsFirst(a.targetId, b.targetId));
    const [entries, truncated] = cutTo(all, limit);
    return { entries, truncated };
  }

  /** The version a rollback on this target would restore: newest ended span of a model not serving now. */
  function rollbackCandidate(targetId: string): string | null {
    const history = s.deployments.filter((d) => d.targetId === targetId);
    const servingNow = new Set(history.filter((d) => d.until === null).map((d) => d.modelVersionId));
    const ended = history
      .filter((d) => d.until !== null && !servingNow.has(d.modelVersionId))
      .sort((a, b) => cmp(b.until!, a.until!) || cmp(b.since, a.since) || cmp(b.id, a.id));
    return ended[0]?.modelVersionId ?? null;
  }

  function deprecationImpact(mvId: string, limit: number): DeprecationImpactModel | null {
    const mv = s.modelVersions.find((m) => m.id === mvId);
    if (!mv) return null;
    const role = (d: Dep) => (d.state === 'CANARY' ? 'CANARY' : 'SERVING') as ImpactTarget['role'];
    const own: ImpactTarget[] = s.deployments
      .filter((d) => d.modelVersionId === mvId && d.until === null)
      .map((d) => ({ targetId: d.targetId, projectId: projectOfTarget(d.targetId), modelVersionId: mvId, role: role(d), depth: 0 }));
    const everDeployed = uniqSorted(s.deployments.filter((d) => d.modelVersionId === mvId).map((d) => d.targetId));
    for (const t of everDeployed) {
      if (liveTargetsOf(mvId).includes(t)) continue;
      if (rollbackCandidate(t) === mvId) own.push({ targetId: t, projectId: projectOfTarget(t), modelVersionId: mvId, role: 'ROLLBACK', depth: 0 });
    }
    own.sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.role, b.role));
    const derived = derivedModels(mvId)
      .map((d) => ({ modelVersionId: d.id, depth: d.path.length - 1, path: d.path }))
      .sort((a, b) => a.depth - b.depth || cmp(a.modelVersionId, b.modelVersionId));
    const derivedTargets: ImpactTarget[] = [];
    for (const d of derived) {
      for (const dep of s.deployments.filter((x) => x.modelVersionId === d.modelVersionId && x.until === null)) {
        derivedTargets.push({ targetId: dep.targetId, projectId: projectOfTarget(dep.targetId), modelVersionId: d.modelVersionId, role: role(dep), depth: d.depth });
      }
    }
    derivedTargets.sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.modelVersionId, b.modelVersionId));
    const projects = uniqSorted([
      ...own.map((t) => t.projectId),
      ...derivedTargets.map((t) => t.projectId),
      ...[mv, ...derived.map((d) => s.modelVersions.find((m) => m.id === d.modelVersionId)!)].map((m) => m.tags.project).filter((p): p is string => !!p),
    ]);
    const [a, ta] = cutTo(own, limit);
    const [b, tb] = cutTo(derived, limit);
    const [c, tc] = cutTo(derivedTargets, limit);
    const [p, tp] = cutTo(projects, limit);
    // Counted over the whole lists, before the cut: a target both own and derived-serving once.
    const projectCounts = p.map((projectId) => {
      const mine = uniqSorted(own.filter((t) => t.projectId === projectId).map((t) => t.targetId));
      const theirs = derivedTargets.filter((t) => t.projectId === projectId);
      const theirIds = uniqSorted(theirs.map((t) => t.targetId));
      return {
        projectId,
        targets: mine.length,
        derivedModels: uniqSorted(theirs.map((t) => t.modelVersionId)).length,
        derivedTargets: theirIds.length,
        allTargets: uniqSorted([...mine, ...theirIds]).length,
      };
    });
    return {
      modelVersionId: mvId,
      targets: a,
      derivedModels: b,
      derivedTargets: c,
      pendingReleases: [],
      projectIds: p,
      truncated: ta || tb || tc || tp,
      projectCounts,
      unassignedTargets: 0, // every scenario target has a project
    };
  }

  function usedBy(dvId: string, limit: number): DatasetUsageModel | null {
    if (!s.datasetVersions.some((v) => v.id === dvId)) return null;
    const versions = [dvId, ...derivedVersions(dvId).map((d) => d.id)];
    const runs = uniqSorted(versions.flatMap(runsConsuming));
    const produced = runs.flatMap(modelsProducedBy);
    const models = uniqSorted([...produced, ...produced.flatMap((m) => derivedModels(m).map((d) => d.id))]);
    const targets = uniqSorted(models.flatMap(liveTargetsOf));
    const [r, tr] = cutTo(runs, limit);
    const [m, tm] = cutTo(models, limit);
    const [t, tt] = cutTo(targets, limit);
    return { datasetVersionId: dvId, runIds: r, modelVersionIds: m, targetIds: t, truncated: tr || tm || tt };
  }

  function node(id: string): LineageNode | null {
    const p = s.projects.find((x) => x.id === id);
    if (p) return { id, type: 'Project', label: p.name };
    if (s.targets.some((x) => x.id === id)) return { id, type: 'ReleaseTarget', label: id };
    if (s.datasets.some((x) => x.id === id)) return { id, type: 'Dataset', label: id };
    if (s.datasetVersions.some((x) => x.id === id)) return { id, type: 'DatasetVersion', label: id };
    if (s.runs.some((x) => x.id === id)) return { id, type: 'TrainingRun', label: id };
    if (s.modelVersions.some((x) => x.id === id)) return { id, type: 'ModelVersion', label: id };
    return null;
  }

  /** Every relationship the sync should write, as the explorer reports it. */
  interface OEdge extends LineageEdge {
    dep?: Dep;
  }
  const edges: OEdge[] = [
    ...s.targets.map((t) => ({ from: t.id, to: t.projectId, type: 'IN_PROJECT' as const })),
    ...s.datasetVersions.map((v) => ({ from: v.id, to: v.datasetId, type: 'VERSION_OF' as const })),
    ...s.datasetVersions.flatMap((v) => uniqSorted(v.derivedFrom).map((u) => ({ from: v.id, to: u, type: 'DERIVED_FROM' as const }))),
    ...s.runs.flatMap((r) => uniqSorted(r.inputs).map((dv) => ({ from: r.id, to: dv, type: 'CONSUMED' as const }))),
    ...s.modelVersions.map((m) => ({ from: m.runId, to: m.id, type: 'PRODUCED' as const })),
    ...s.modelVersions.filter((m) => m.derivedFrom).map((m) => ({ from: m.id, to: m.derivedFrom!, type: 'DERIVED_FROM' as const })),
    ...s.deployments.map((d) => ({ from: d.modelVersionId, to: d.targetId, type: 'DEPLOYED_TO' as const, since: d.since, until: d.until, dep: d })),
  ];
  const DOWN_OUT = new Set<RelType>(['PRODUCED', 'DEPLOYED_TO', 'IN_PROJECT']);
  const DOWN_IN = new Set<RelType>(['CONSUMED', 'DERIVED_FROM', 'VERSION_OF']);

  function expand(ids: string[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Expansion {
    const asked = new Set(ids);
    const leaving = direction === 'DOWNSTREAM' ? DOWN_OUT : DOWN_IN;
    const arriving = direction === 'DOWNSTREAM' ? DOWN_IN : DOWN_OUT;
    const hit = edges
      .filter((e) => (asked.has(e.from) && leaving.has(e.type)) || (asked.has(e.to) && arriving.has(e.type)))
      .filter((e) => !e.dep || isLive(e.dep, at))
      .sort((a, b) => cmp(a.from, b.from) || cmp(a.type, b.type) || cmp(a.to, b.to));
    const [kept] = cutTo(hit, limit);
    const nodes = uniqSorted(kept.flatMap((e) => [e.from, e.to]).filter((id) => !asked.has(id))).map((id) => node(id)!);
    return { nodes, edges: kept.map(({ dep: _d, ...e }) => e) };
  }

  /**
   * The explorer's walk around one root, restated from its rules: per direction, level by
   * level, keep edges whose ends are shown, stop adding nodes at maxNodes, and say truncated
   * when an edge cap, maxNodes or the depth hid something.
   */
  function lineage(rootId: string, o: LineageOptions): LineageGraphModel {
    const root = node(rootId);
    if (!root) return { root: null, nodes: [], edges: [], truncated: false };
    const shown = new Map<string, LineageNode>([[root.id, root]]);
    const kept = new Map<string, LineageEdge>();
    const cap = o.maxNodes * 4 + 1;
    const ok = (n: LineageNode) => !o.types || o.types.includes(n.type);
    let truncated = false;
    for (const dir of o.direction === 'BOTH' ? (['UPSTREAM', 'DOWNSTREAM'] as const) : [o.direction as 'UPSTREAM' | 'DOWNSTREAM']) {
      let frontier = [root.id];
      for (let level = 1; level <= o.depth && frontier.length > 0; level++) {
        const step = expand(frontier, dir, o.at, cap);
        if (step.edges.length >= cap) truncated = true;
        const next: string[] = [];
        for (const e of step.edges) {
          let keep = true;
          for (const id of [e.from, e.to]) {
            if (shown.has(id)) continue;
            const n = step.nodes.find((x) => x.id === id);
            if (!n || !ok(n)) keep = false;
            else if (shown.size >= o.maxNodes) {
              truncated = true;
              keep = false;
            } else {
              shown.set(id, n);
              next.push(id);
            }
          }
          if (keep) kept.set(`${e.from}|${e.type}|${e.to}|${e.since ?? ''}`, e);
        }
        frontier = next;
      }
      if (!truncated && frontier.length > 0 && expand(frontier, dir, o.at, cap).nodes.some((n) => !shown.has(n.id) && ok(n))) truncated = true;
    }
    return { root, nodes: [...shown.values()], edges: [...kept.values()], truncated };
  }

  const servesNow = (targetId: string) => s.deployments.filter((d) => d.targetId === targetId && d.until === null);
  const targetModel = (t: Scenario['targets'][number]): ReleaseTargetModel => ({
    id: t.id,
    name: t.machine,
    projectId: t.projectId,
    plant: t.plant,
    line: t.line,
    environment: t.environment,
  });
  const targetsById = (projectId: string | null) => s.targets.filter((t) => projectId === null || t.projectId === projectId).sort((a, b) => cmp(a.id, b.id));

  function targetsNotOn(name: string, minVersion: number, projectId: string | null): ReleaseTargetModel[] {
    return targetsById(projectId)
      .filter(
        (t) =>
          !servesNow(t.id).some((d) => {
            const m = s.modelVersions.find((x) => x.id === d.modelVersionId)!;
            return m.name === name && m.version >= minVersion;
          }),
      )
      .map(targetModel);
  }

  function targetCountsByDataset(projectId: string | null): TargetDatasetCount[] {
    const byDv = new Map<string, Set<string>>();
    for (const t of targetsById(projectId)) {
      for (const d of servesNow(t.id)) {
        for (const r of runIdsProducing(d.modelVersionId)) {
          for (const dv of inputsOf(r)) byDv.set(dv, (byDv.get(dv) ?? new Set()).add(t.id));
        }
      }
    }
    return [...byDv].map(([datasetVersionId, ts]) => ({ datasetVersionId, targets: ts.size })).sort((a, b) => b.targets - a.targets || cmp(a.datasetVersionId, b.datasetVersionId));
  }

  /** Per target serving now: the newest createdAt of the data its serving models were trained on directly. */
  function newestTrainingData(projectId: string | null): Map<string, string> {
    const out = new Map<string, string>();
    for (const t of targetsById(projectId)) {
      const created = servesNow(t.id)
        .flatMap((d) => runIdsProducing(d.modelVersionId))
        .flatMap(inputsOf)
        .map((dv) => s.datasetVersions.find((v) => v.id === dv)!.createdAt)
        .sort(cmp);
      if (created.length > 0) out.set(t.id, created.at(-1)!);
    }
    return out;
  }
  function targetsTrainedOnDataBefore(before: string, projectId: string | null): ReleaseTargetModel[] {
    const newest = newestTrainingData(projectId);
    return targetsById(projectId)
      .filter((t) => newest.has(t.id) && newest.get(t.id)! < before)
      .map(targetModel);
  }

  return {
    trainedOn,
    deployedTo,
    servedAt,
    reusedBy,
    deprecationImpact,
    rollbackCandidate,
    usedBy,
    node,
    edges,
    expand,
    lineage,
    targetModel,
    targetsNotOn,
    targetCountsByDataset,
    newestTrainingData,
    targetsTrainedOnDataBefore,
    derivedModels,
    liveTargetsOf,
  };
}

/** Fresh built-in platforms over the scenario (their data are copies: writes do not leak). */
export function sourcesFor(s: Scenario) {
  return {
    training: new BuiltinTrainingConnector(s),
    catalog: new BuiltinCatalogConnector(s),
    inference: new BuiltinInferenceConnector(s),
    projects: async (): Promise<ProjectModel[]> => s.projects.map((p) => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: [...p.owners] })),
  } satisfies SyncSources;
}

/** Every page of a paged list, `size` at a time. */
async function allPages<T>(fetch: (req: PageRequest) => Promise<Page<T>>, size: number): Promise<{ items: T[]; pages: Page<T>[] }> {
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetch({ first: size, after });
    pages.push(page);
    if (!page.hasNextPage) break;
    after = page.tokens.at(-1)!;
    if (pages.length > 1000) throw new Error('pagination does not end');
  }
  return { items: pages.flatMap((p) => p.items), pages };
}

/** Edges compared on what the contract pins: since/until only for DEPLOYED_TO. */
const normEdges = (es: LineageEdge[]) =>
  es.map((e) => (e.type === 'DEPLOYED_TO' ? { from: e.from, to: e.to, type: e.type, since: e.since ?? null, until: e.until ?? null } : { from: e.from, to: e.to, type: e.type }));

/* ------------------------------------------------------------------------------------------- */

export function describeLineageStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`LineageStore contract: ${name}`, () => {
    const s = getScenario({ targets: 60 });
    const o = oracle(s);
    const sources = sourcesFor(s);
    let opened: OpenedStore | undefined;
    let store: LineageStore;

    const mv = (id: string) => s.modelVersions.find((m) => m.id === id)!;
    const byId = [...s.modelVersions].sort((a, b) => cmp(a.id, b.id));
    // A hot swap that was rolled back (state ROLLED_BACK), and the ROLLBACK deployment that ended it.
    const rolledBack = s.deployments.find((d) => d.state === 'ROLLED_BACK' && s.deployments.some((r) => r.targetId === d.targetId && r.strategy === 'ROLLBACK' && r.since === d.until))!;
    const rollback = s.deployments.find((r) => r.targetId === rolledBack.targetId && r.strategy === 'ROLLBACK' && r.since === rolledBack.until)!;

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
      await syncOnce(store, sources);
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    it('is alive, and init is safe to repeat', async () => {
      await store.ping();
      await store.init();
      expect(['memory', 'neo4j']).toContain(store.kind);
    });

    it('counts every node and relationship of the synced scenario, and freshness per platform', async () => {
      const datasetsWithVersions = s.datasets.filter((d) => s.datasetVersions.some((v) => v.datasetId === d.id));
      const runsWithModels = s.runs.filter((r) => s.modelVersions.some((m) => m.runId === r.id));
      const perPlatform = {
        lineage: s.projects.length,
        inference: s.targets.length,
        catalog: datasetsWithVersions.length + s.datasetVersions.length,
        training: runsWithModels.length + s.modelVersions.length,
      };
      const ids = [s.projects, s.targets, s.datasets, s.datasetVersions, s.runs, s.modelVersions].flatMap((xs) => xs.map((x) => x.id));
      expect(new Set(ids).size).toBe(ids.length); // ids never collide across labels
      const nodes = Object.values(perPlatform).reduce((a, b) => a + b, 0);
      expect(await store.counts()).toEqual({ nodes, relationships: o.edges.length });

      const max = (xs: string[]) => xs.sort(cmp).at(-1)!;
      const fresh = await store.getFreshness();
      expect(fresh.map((f) => f.platform)).toEqual([...PLATFORMS]);
      expect(fresh.map((f) => [f.platform, f.nodes])).toEqual(PLATFORMS.map((p) => [p, perPlatform[p]]));
      expect(fresh.map((f) => f.watermark)).toEqual([
        max(s.modelVersions.map((m) => m.createdAt)),
        max(s.datasetVersions.map((v) => v.createdAt)),
        max([...s.deployments.map((d) => d.until ?? d.since), ...s.targets.map((t) => t.createdAt)]),
        null,
      ]);
      for (const f of fresh) expect(f.lastSyncAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('syncing again writes the same graph (idempotent batches)', async () => {
      const before = await store.counts();
      const freshBefore = await store.getFreshness();
      await syncOnce(store, sources);
      expect(await store.counts()).toEqual(before);
      const after = await store.getFreshness();
      expect(after.map((f) => [f.platform, f.watermark, f.nodes])).toEqual(freshBefore.map((f) => [f.platform, f.watermark, f.nodes]));
    });

    it('answers projects in key order and lists them by name', async () => {
      const model = (p: Scenario['projects'][number]): ProjectModel => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: p.owners });
      const ids = ['motor-vibration', 'nope', 'pump-anomaly'];
      expect(await store.getProjects(ids)).toEqual(ids.map((id) => s.projects.find((p) => p.id === id)).map((p) => (p ? model(p) : null)));
      const byName = [...s.projects].sort((a, b) => cmp(a.name, b.name)).map(model);
      const { items, pages } = await allPages((req) => store.listProjects(req), 2);
      expect(items).toEqual(byName);
      expect(pages[0]!).toMatchObject({ totalCount: s.projects.length, hasNextPage: true, tokens: ['1', '2'] });
    });

    it('answers targets in key order, null for a missing one', async () => {
      const picks = sample(s.targets, 12);
      const ids = [...picks.map((t) => t.id), 'plant-z/line-1/nope', picks[0]!.id];
      expect(await store.getTargets(ids)).toEqual([...picks.map(o.targetModel), null, o.targetModel(picks[0]!)]);
    });

    it('lists targets by id with project, plant, line and case-insensitive search filters; pages add up', async () => {
      const all = [...s.targets].sort((a, b) => cmp(a.id, b.id)).map(o.targetModel);
      const big = await store.listTargets(null, {}, { first: 500, after: null });
      expect(big).toEqual({ items: all, tokens: all.map((_, i) => String(i + 1)), totalCount: all.length, hasNextPage: false });

      const paged = await allPages((req) => store.listTargets(null, {}, req), 25);
      expect(paged.items).toEqual(all);
      expect(paged.pages.map((p) => p.items.length)).toEqual([25, 25, all.length - 50]);
      expect(paged.pages.map((p) => p.hasNextPage)).toEqual([true, true, false]);
      expect(paged.pages[1]!.tokens[0]).toBe('26');

      const motors = await store.listTargets('motor-vibration', { plant: 'plant-b', line: 'line-1' }, { first: 500, after: null });
      expect(motors.items).toEqual(all.filter((t) => t.projectId === 'motor-vibration'));
      expect((await store.listTargets('motor-vibration', { plant: 'plant-a' }, { first: 5, after: null })).totalCount).toBe(0);
      expect((await store.listTargets(null, { line: 'line-2' }, { first: 5, after: null })).totalCount).toBe(all.filter((t) => t.line === 'line-2').length);

      // Allow-listed sort keys, ties by id; descending id is the reverse of ascending.
      const byLine = await store.listTargets(null, {}, { first: 500, after: null }, { key: 'line', descending: true });
      const expectLine = [...all].sort((a, b) => cmp(b.line, a.line) || cmp(a.id, b.id)).map((t) => t.id);
      expect(byLine.items.map((t) => t.id)).toEqual(expectLine);
      const idDesc = await store.listTargets(null, {}, { first: 5, after: null }, { key: 'id', descending: true });
      expect(idDesc.items.map((t) => t.id)).toEqual([...all].map((t) => t.id).sort().reverse().slice(0, 5));
      const search = await store.listTargets(null, { search: 'PUMP-01' }, { first: 4, after: '2' });
      const matching = all.filter((t) => t.id.toLowerCase().includes('pump-01'));
      expect(matching.length).toBeGreaterThan(6);
      expect(search).toEqual({ items: matching.slice(2, 6), tokens: ['3', '4', '5', '6'], totalCount: matching.length, hasNextPage: true });
    });

    it('describes a node by id, whatever its type', async () => {
      const ids = [
        'pump-anomaly',
        s.targets[7]!.id,
        s.datasets[5]!.id,
        s.datasetVersions[11]!.id,
        s.runs[13]!.id,
        s.modelVersions[17]!.id,
        'nope',
      ];
      const got = await Promise.all(ids.map((id) => store.node(id)));
      expect(got).toEqual(ids.map((id) => o.node(id)));
      expect(got[0]!.label).toBe('Pump anomaly detection');
    });

    it('answers what a model version was trained on, by depth', async () => {
      const ids = [...sample(byId, 12).map((m) => m.id), 'pump-anomaly-base/2', 'motor-vibration-fleet/1', 'nope/1'];
      for (const depth of [0, 1, 6]) {
        const got = await store.trainedOn(ids, depth);
        expect(got).toEqual(ids.map((id) => o.trainedOn(id, depth)));
      }
      const machine = s.modelVersions.find((m) => m.targetId !== null)!;
      const [chain] = await store.trainedOn([machine.id], 6);
      expect(chain!.map((e) => e.depth)).toEqual([0, 1, 2]); // features ← cleaned ← raw
    });

    it('answers deployments of model versions and what serves targets, now and at an instant', async () => {
      const mvIds = [...sample(byId, 10).map((m) => m.id), 'pump-anomaly-fleet/2', 'energy-forecast-fleet/2', 'pump-anomaly-base/3', 'nope/1'];
      const targetIds = [...sample(s.targets, 12).map((t) => t.id), 'plant-z/nope'];
      for (const at of [null, '2026-03-01T00:00:00.000Z', '2026-08-10T12:00:00.000Z']) {
        expect(await store.deployedTo(mvIds, at)).toEqual(mvIds.map((id) => o.deployedTo(id, at)));
        expect(await store.servedAt(targetIds, at)).toEqual(targetIds.map((id) => o.servedAt(id, at)));
      }
      const [fleet] = await store.deployedTo(['pump-anomaly-fleet/2'], null);
      expect(fleet!.length).toBeGreaterThan(1);
      // Canaries: two spans at once, the champion first.
      const canary = s.deployments.find((d) => d.state === 'CANARY' && d.until === null)!;
      const [split] = await store.servedAt([canary.targetId], null);
      expect(split!.map((d) => d.trafficPercent)).toEqual([90, 10]);
      expect(split![1]!.modelVersionId).toBe(canary.modelVersionId);
    });

    it('answers the as-of question across a hot swap that was rolled back', async () => {
      const t = rolledBack.targetId;
      const inside = plusMs(rolledBack.since, DAY);
      const afterRollback = plusMs(rollback.since, HOUR);
      const beforeSwap = plusMs(rolledBack.since, -1);
      const instants = [beforeSwap, rolledBack.since, inside, rolledBack.until!, afterRollback];
      const got = await Promise.all(instants.map((at) => store.servedAt([t], at).then((r) => r[0]!)));
      expect(got).toEqual(instants.map((at) => o.servedAt(t, at)));
      expect(got[2]!.map((d) => d.modelVersionId)).toEqual([rolledBack.modelVersionId]);
      expect(got[4]!.map((d) => d.modelVersionId)).toEqual([rollback.modelVersionId]);
      expect(got[0]!.map((d) => d.modelVersionId)).toEqual([rollback.modelVersionId]); // the restored version served before
      expect(got[3]!.map((d) => d.deploymentId)).toEqual([rollback.id]); // spans are half-open [from, to)
    });

    it('answers who reuses a model version: same version, derived models, shared data', async () => {
      const ids = ['pump-anomaly-base/2', 'pump-anomaly-fleet/2', 'motor-vibration-fleet/1', rolledBack.modelVersionId, ...sample(byId, 8).map((m) => m.id)];
      // At least one machine model whose run reused another run's snapshot.
      const sharing = s.modelVersions.find((m) => m.targetId && s.runs.filter((r) => r.inputs.includes(s.runs.find((x) => x.id === m.runId)!.inputs[0]!)).length > 1)!;
      ids.push(sharing.id, 'nope/1');
      // One call for every root (a duplicate and an unknown id included), answers in key order.
      const asked = [...ids, ids[0]!];
      const got = await store.reusedByMany(asked, 1000);
      expect(asked.map((id, i) => ({ id, ...got[i] }))).toEqual(asked.map((id) => ({ id, ...o.reusedBy(id, 1000) })));
      expect(await store.reusedBy(sharing.id, 1000)).toEqual(o.reusedBy(sharing.id, 1000));
      expect(await store.reusedByMany([], 10)).toEqual([]);

      const base = o.reusedBy('pump-anomaly-base/2', 1000).entries;
      expect(new Set(base.map((e) => e.kind))).toEqual(new Set(['DERIVED_MODEL', 'SHARED_DATA']));
      expect(o.reusedBy(sharing.id, 1000).entries.some((e) => e.kind === 'SHARED_DATA')).toBe(true);
      expect(o.reusedBy('pump-anomaly-fleet/2', 1000).entries.filter((e) => e.kind === 'SAME_VERSION').length).toBeGreaterThan(1);

      // The limit holds per root: the wide base model is cut, its narrow neighbour is not starved.
      const narrow = ids.find((id) => { const r = o.reusedBy(id, 1000); return r.entries.length > 0 && r.entries.length <= 5; })!;
      const [cut, whole] = await store.reusedByMany(['pump-anomaly-base/2', narrow], 5);
      expect(cut).toEqual(o.reusedBy('pump-anomaly-base/2', 5));
      expect(cut!.truncated).toBe(true);
      expect(whole).toEqual(o.reusedBy(narrow, 5));
      expect(whole!.entries.length).toBeGreaterThan(0);
    });

    it('answers the impact of deprecating a model version', async () => {
      const candidate = byId.find((m) => m.targetId !== null && s.targets.some((t) => o.rollbackCandidate(t.id) === m.id && !o.liveTargetsOf(m.id).includes(t.id)))!;
      expect(candidate).toBeDefined();
      const liveCanary = s.deployments.find((d) => d.state === 'CANARY' && d.until === null)!.modelVersionId;
      const ids = ['pump-anomaly-base/2', 'pump-anomaly-fleet/2', 'energy-forecast-base/1', candidate.id, liveCanary, ...sample(byId, 6).map((m) => m.id)];
      const asked = [...ids, 'nope/1', ids[1]!];
      const got = await store.deprecationImpactMany(asked, 1000);
      expect(asked.map((id, i) => ({ id, impact: got[i] }))).toEqual(asked.map((id) => ({ id, impact: o.deprecationImpact(id, 1000) })));
      expect(await store.deprecationImpact('nope/1', 10)).toBeNull();
      expect(await store.deprecationImpactMany([], 10)).toEqual([]);

      // With refs: the same answers, and every target and project they name, as the lookups give them.
      await opened?.settle?.();
      const withRefs = await store.deprecationImpactWithRefs(asked, 1000);
      expect(withRefs.impacts).toEqual(got);
      const named = impactRefIds(got);
      expect(named.targetIds.length).toBeGreaterThan(5);
      expect(named.projectIds.length).toBeGreaterThan(1);
      const sortById = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => cmp(a.id, b.id));
      expect(sortById(withRefs.targets)).toEqual(sortById(named.targetIds.map((id) => o.targetModel(s.targets.find((t) => t.id === id)!))));
      expect(sortById(withRefs.projects).map((p) => p.id)).toEqual([...named.projectIds].sort(cmp));
      expect(sortById(withRefs.projects)).toEqual(sortById((await store.getProjects(named.projectIds)) as ProjectModel[]));
      expect(await store.deprecationImpactWithRefs([], 10)).toEqual({ impacts: [], targets: [], projects: [] });

      const base = o.deprecationImpact('pump-anomaly-base/2', 1000)!;
      expect(base.derivedModels.length).toBeGreaterThan(5);
      expect(base.derivedTargets.length).toBeGreaterThan(3);
      expect(o.deprecationImpact('pump-anomaly-fleet/2', 1000)!.targets.filter((t) => t.role === 'SERVING').length).toBeGreaterThan(1);
      expect(o.deprecationImpact(candidate.id, 1000)!.targets.some((t) => t.role === 'ROLLBACK')).toBe(true);
      expect(o.deprecationImpact(liveCanary, 1000)!.targets.some((t) => t.role === 'CANARY')).toBe(true);

      const [cut, small] = await store.deprecationImpactMany(['pump-anomaly-base/2', liveCanary], 3);
      expect(cut).toEqual(o.deprecationImpact('pump-anomaly-base/2', 3));
      expect(cut!.truncated).toBe(true);
      // The lists stop at 3; the counts do not.
      const whole = got[0]!;
      expect(cut!.projectCounts).toEqual(whole.projectCounts.filter((p) => cut!.projectIds.includes(p.projectId)));
      expect(cut!.projectCounts.reduce((n, p) => n + p.derivedTargets, 0)).toBeGreaterThan(3);

      expect(small).toEqual(o.deprecationImpact(liveCanary, 3));
    });

    it('answers what uses a dataset version downstream', async () => {
      const rawOf = (datasetId: string) => s.datasetVersions.find((v) => v.datasetId === datasetId)!.id;
      const machineRaw = s.datasetVersions.filter((v) => v.datasetId.startsWith('sensor-logs-'));
      const fleetRaw = s.datasetVersions.filter((v) => v.datasetId === 'pump-anomaly-fleet-raw').map((v) => v.id);
      const ids = [...fleetRaw, rawOf('motor-vibration-fleet-raw'), ...sample(machineRaw, 6).map((v) => v.id), ...sample(s.datasetVersions, 6).map((v) => v.id), 'nope@sha256:0'];
      const got = await store.usedBy(ids, 1000);
      expect(got).toEqual(ids.map((id) => o.usedBy(id, 1000)));
      expect(got.at(-1)).toBeNull();
      const fleet = o.usedBy(fleetRaw[1]!, 1000)!;
      expect(fleet.modelVersionIds.length).toBeGreaterThan(5);
      expect(fleet.targetIds.length).toBeGreaterThan(3);
      const machine = o.usedBy(machineRaw[0]!.id, 1000)!;
      expect(machine.runIds.length).toBeGreaterThan(0);

      const [cut] = await store.usedBy([fleetRaw[1]!], 2);
      expect(cut).toEqual(o.usedBy(fleetRaw[1]!, 2));
      expect(cut!.truncated).toBe(true);
    });

    it('expands one explorer level downstream and upstream, deployments as of an instant', async () => {
      const t = s.targets[4]!;
      const fleetTarget = rolledBack.targetId;
      const run = s.runs.find((r) => r.id === mv('pump-anomaly-base/2').runId)!;
      const seeds = [
        ['pump-anomaly', 'pump-anomaly-fleet-features', run.id, 'pump-anomaly-base/2', s.datasetVersions[20]!.id],
        [t.id, fleetTarget, 'pump-anomaly-fleet/2', `features-${t.machine}`, s.datasetVersions.find((v) => v.datasetId === `cleaned-${t.machine}`)!.id],
      ];
      for (const ids of seeds) {
        for (const direction of ['DOWNSTREAM', 'UPSTREAM'] as const) {
          for (const at of [null, plusMs(rolledBack.since, DAY)]) {
            const got = await store.expand(ids, direction, at, 1000);
            const want = o.expand(ids, direction, at, 1000);
            expect({ ids, direction, at, nodes: got.nodes, edges: normEdges(got.edges) }).toEqual({ ids, direction, at, nodes: want.nodes, edges: normEdges(want.edges) });
          }
        }
      }
      const small = await store.expand(seeds[0]!, 'DOWNSTREAM', null, 4);
      const want = o.expand(seeds[0]!, 'DOWNSTREAM', null, 4);
      expect(want.edges.length).toBe(4);
      expect({ nodes: small.nodes, edges: normEdges(small.edges) }).toEqual({ nodes: want.nodes, edges: normEdges(want.edges) });
    });

    it('walks the explorer lineage of many roots at once, each as if asked alone', async () => {
      const t = s.targets[4]!;
      const run = s.runs.find((r) => r.id === mv('pump-anomaly-base/2').runId)!;
      const roots = ['pump-anomaly-base/2', t.id, run.id, s.datasetVersions[20]!.id, 'pump-anomaly', 'nope', 'pump-anomaly-base/2'];
      const options: LineageOptions[] = [
        { direction: 'BOTH', depth: 2, types: null, at: null, maxNodes: 200 },
        { direction: 'DOWNSTREAM', depth: 6, types: null, at: plusMs(rolledBack.since, DAY), maxNodes: 2000 },
        { direction: 'UPSTREAM', depth: 3, types: ['ModelVersion', 'TrainingRun', 'DatasetVersion'], at: null, maxNodes: 50 },
        // Small caps: maxNodes and the per-step edge cap cut some roots and not others.
        { direction: 'BOTH', depth: 3, types: null, at: null, maxNodes: 4 },
        { direction: 'DOWNSTREAM', depth: 1, types: null, at: null, maxNodes: 1 },
      ];
      const norm = (g: LineageGraphModel) => ({
        root: g.root,
        nodes: [...g.nodes].sort((a, b) => cmp(a.id, b.id)),
        edges: normEdges([...g.edges].sort((a, b) => cmp(a.from, b.from) || cmp(a.type, b.type) || cmp(a.to, b.to) || cmp(a.since ?? '', b.since ?? ''))),
        truncated: g.truncated,
      });
      const flags = new Set<boolean>();
      for (const opt of options) {
        const got = await store.lineageMany(roots, opt);
        const want = roots.map((r) => o.lineage(r, opt));
        expect({ opt, graphs: got.map(norm) }).toEqual({ opt, graphs: want.map(norm) });
        for (const g of want) if (g.root) flags.add(g.truncated);
      }
      expect(flags).toEqual(new Set([true, false])); // the cases cut some walks and leave others whole
      expect(o.lineage('pump-anomaly-base/2', options[0]!).nodes.length).toBeGreaterThan(5);
      expect(await store.lineageMany([], options[0]!)).toEqual([]);
    });

    it('answers which targets are not yet on a model version', async () => {
      for (const projectId of ['pump-anomaly', null]) {
        const want = o.targetsNotOn('pump-anomaly-fleet', 2, projectId);
        const { items, pages } = await allPages((req) => store.targetsNotOn('pump-anomaly-fleet', 2, projectId, req), 15);
        expect(items).toEqual(want);
        expect(pages[0]!.totalCount).toBe(want.length);
      }
      // A fleet target served its own model before: only live spans count.
      const moved = s.deployments.find((d) => d.until === null && d.modelVersionId === 'pump-anomaly-fleet/2')!;
      const own = s.modelVersions.find((m) => m.targetId === moved.targetId)!;
      const wantOwn = o.targetsNotOn(own.name, 1, 'pump-anomaly');
      expect(wantOwn.map((t) => t.id)).toContain(moved.targetId);
      expect((await store.targetsNotOn(own.name, 1, 'pump-anomaly', { first: 500, after: null })).items).toEqual(wantOwn);
      const pumps = s.targets.filter((t) => t.projectId === 'pump-anomaly').length;
      expect(o.targetsNotOn('pump-anomaly-fleet', 2, 'pump-anomaly').length).toBeLessThan(pumps);
      expect((await store.targetsNotOn('pump-anomaly-fleet', 3, 'pump-anomaly', { first: 1, after: null })).totalCount).toBe(pumps);
    });

    it('ranks training dataset versions by the targets they serve now', async () => {
      for (const projectId of [null, 'energy-forecast']) {
        const want = o.targetCountsByDataset(projectId);
        const { items, pages } = await allPages((req) => store.targetCountsByDataset(projectId, req), 40);
        expect(items).toEqual(want);
        expect(pages[0]!.totalCount).toBe(want.length);
      }
      expect(o.targetCountsByDataset(null)[0]!.targets).toBeGreaterThan(1); // fleet data serve several targets
    });

    it('answers which targets serve models trained only on data older than an instant', async () => {
      const newest = [...o.newestTrainingData(null).values()].sort(cmp);
      const before = newest[Math.floor(newest.length / 2)]!; // strict: the median's own target is out
      for (const projectId of [null, 'motor-vibration']) {
        const want = o.targetsTrainedOnDataBefore(before, projectId);
        const { items, pages } = await allPages((req) => store.targetsTrainedOnDataBefore(before, projectId, req), 20);
        expect(items).toEqual(want);
        expect(pages[0]!.totalCount).toBe(want.length);
      }
      const n = o.targetsTrainedOnDataBefore(before, null).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(s.targets.length);
    });

    it('creates bare keys for references, fills them from later batches, and stays idempotent', async () => {
      const at = '2026-11-02T00:00:00.000Z';
      const c0 = await store.counts();
      const f0 = new Map((await store.getFreshness()).map((f) => [f.platform, f.nodes]));
      const nodesOf = async () => new Map((await store.getFreshness()).map((f) => [f.platform, f.nodes]));

      const deployment = { id: 'zz-target#1', targetId: 'zz-target', modelVersionId: 'zz-model/2', from: at, to: null, trafficPercent: 100, state: 'ACTIVE' };
      await store.applyBatch({ source: 'inference', syncedAt: at, deployments: [deployment] });
      expect(await store.counts()).toEqual({ nodes: c0.nodes + 2, relationships: c0.relationships + 1 });
      expect(await nodesOf()).toEqual(f0); // bare keys belong to no platform
      expect(await store.getTargets(['zz-target'])).toEqual([null]); // not described yet
      // A target of no project (yet) counts in the total, in no project.
      expect(await store.deprecationImpact('zz-model/2', 10)).toMatchObject({ projectIds: [], projectCounts: [], unassignedTargets: 1 });
      expect(await store.node('zz-model/2')).toEqual({ id: 'zz-model/2', type: 'ModelVersion', label: 'zz-model/2' });
      expect((await store.servedAt(['zz-target'], null))[0]!.map((d) => d.deploymentId)).toEqual(['zz-target#1']);

      const training = {
        source: 'training' as const,
        syncedAt: at,
        runs: [
          { id: 'zz-run', experiment: 'zz', startTime: at, inputs: ['zz-data@1'] },
          { id: 'zz-run-b', experiment: 'zz', startTime: at, inputs: ['zz-data@1', 'zz-data@0'] },
          { id: 'zz-run-a', experiment: 'zz', startTime: at, inputs: ['zz-data@1', 'zz-data@0'] },
        ],
        modelVersions: [
          { id: 'zz-model/2', name: 'zz-model', version: 2, createdAt: at, runId: 'zz-run', projectId: null, derivedFrom: 'zz-model/1' },
          { id: 'zz-other/1', name: 'zz-other', version: 1, createdAt: at, runId: 'zz-run-b', projectId: null, derivedFrom: null },
          { id: 'zz-third/1', name: 'zz-third', version: 1, createdAt: at, runId: 'zz-run-a', projectId: null, derivedFrom: null },
          // A second model of the same run: not "shared data" with its sibling (r2 ≠ r0).
          { id: 'zz-other/2', name: 'zz-other', version: 2, createdAt: at, runId: 'zz-run-b', projectId: null, derivedFrom: null },
        ],
      };
      const inference = {
        source: 'inference' as const,
        syncedAt: at,
        targets: [{ id: 'zz-target', name: 'zz', projectId: 'zz-project', plant: 'plant-z', line: 'line-1', environment: 'production' }],
      };
      const catalog = {
        source: 'catalog' as const,
        syncedAt: at,
        datasetVersions: [{ id: 'zz-data@1', datasetId: 'zz-data', version: 1, uri: 's3://zz/1', owner: 'zz', createdAt: at, derivedFrom: ['zz-data@0'] }],
      };
      const lineage = {
        source: 'lineage' as const,
        syncedAt: at,
        projects: [{ id: 'zz-project', name: 'A project sorting first', description: null, plant: 'plant-z', owners: ['zz@example.com'] }],
      };
      // + 3 runs, 3 more models, bare zz-model/1, bare zz-data@1 and zz-data@0; + 4 PRODUCED, 1 DERIVED_FROM, 5 CONSUMED
      await store.applyBatch(training);
      await store.applyBatch(inference); // fills zz-target; + bare zz-project; + IN_PROJECT
      await store.applyBatch(catalog); // fills zz-data@1; + bare dataset zz-data; + VERSION_OF, DERIVED_FROM
      const c1 = { nodes: c0.nodes + 2 + 9 + 1 + 1, relationships: c0.relationships + 1 + 10 + 1 + 2 };
      expect(await store.counts()).toEqual(c1);
      const f1 = new Map(f0);
      f1.set('training', f0.get('training')! + 7).set('inference', f0.get('inference')! + 1).set('catalog', f0.get('catalog')! + 1);
      expect(await nodesOf()).toEqual(f1);

      expect(await store.getTargets(['zz-target'])).toEqual([{ id: 'zz-target', name: 'zz', projectId: 'zz-project', plant: 'plant-z', line: 'line-1', environment: 'production' }]);
      expect(await store.getProjects(['zz-project'])).toEqual([null]);
      // A project only named by a target (not described yet) is not a ref: the loader finds null, as before.
      const bare = await store.deprecationImpactWithRefs(['zz-model/1'], 10);
      expect(impactRefIds(bare.impacts)).toEqual({ targetIds: ['zz-target'], projectIds: ['zz-project'] });
      expect(bare).toMatchObject({ targets: await store.getTargets(['zz-target']), projects: [] });
      expect(await store.node('zz-project')).toEqual({ id: 'zz-project', type: 'Project', label: 'zz-project' });
      expect((await store.listProjects({ first: 10, after: null })).totalCount).toBe(s.projects.length);
      await store.applyBatch(lineage); // fills zz-project
      f1.set('lineage', f0.get('lineage')! + 1);
      expect(await store.getProjects(['zz-project'])).toEqual(lineage.projects);
      expect(await store.node('zz-project')).toEqual({ id: 'zz-project', type: 'Project', label: 'A project sorting first' });
      const projects = await store.listProjects({ first: 1, after: null });
      expect(projects).toMatchObject({ items: lineage.projects, totalCount: s.projects.length + 1, hasNextPage: true });
      const zzModels = ['zz-model/2', 'zz-other/1', 'zz-other/2', 'zz-third/1'];
      expect(await store.usedBy(['zz-data@1', 'zz-data@0'], 10)).toEqual([
        { datasetVersionId: 'zz-data@1', runIds: ['zz-run', 'zz-run-a', 'zz-run-b'], modelVersionIds: zzModels, targetIds: ['zz-target'], truncated: false },
        { datasetVersionId: 'zz-data@0', runIds: ['zz-run', 'zz-run-a', 'zz-run-b'], modelVersionIds: zzModels, targetIds: ['zz-target'], truncated: false },
      ]);
      // Depth is the shortest way to a version: zz-data@0 is consumed directly and also upstream of zz-data@1.
      expect(await store.trainedOn(['zz-other/1', 'zz-model/2'], 2)).toEqual([
        [
          { datasetVersionId: 'zz-data@0', depth: 0, runId: 'zz-run-b' },
          { datasetVersionId: 'zz-data@1', depth: 0, runId: 'zz-run-b' },
        ],
        [
          { datasetVersionId: 'zz-data@1', depth: 0, runId: 'zz-run' },
          { datasetVersionId: 'zz-data@0', depth: 1, runId: 'zz-run' },
        ],
      ]);
      // Shared data: one entry per reusing model, through the smallest (dataset version, run, run).
      expect(await store.reusedBy('zz-other/1', 10)).toEqual({
        entries: [
          { kind: 'SHARED_DATA', modelVersionId: 'zz-model/2', targetId: 'zz-target', path: ['zz-other/1', 'zz-run-b', 'zz-data@1', 'zz-run', 'zz-model/2', 'zz-target'] },
          { kind: 'SHARED_DATA', modelVersionId: 'zz-third/1', targetId: null, path: ['zz-other/1', 'zz-run-b', 'zz-data@0', 'zz-run-a', 'zz-third/1'] },
        ],
        truncated: false,
      });
      const up = await store.expand(['zz-run-b'], 'UPSTREAM', null, 10);
      expect({ nodes: up.nodes, edges: normEdges(up.edges) }).toEqual({
        nodes: [
          { id: 'zz-data@0', type: 'DatasetVersion', label: 'zz-data@0' },
          { id: 'zz-data@1', type: 'DatasetVersion', label: 'zz-data@1' },
        ],
        edges: [
          { from: 'zz-run-b', to: 'zz-data@0', type: 'CONSUMED' },
          { from: 'zz-run-b', to: 'zz-data@1', type: 'CONSUMED' },
        ],
      });
      const impact = await store.deprecationImpact('zz-model/1', 10);
      expect(impact!.derivedModels).toEqual([{ modelVersionId: 'zz-model/2', depth: 1, path: ['zz-model/1', 'zz-model/2'] }]);
      expect(impact!.derivedTargets).toEqual([{ targetId: 'zz-target', projectId: 'zz-project', modelVersionId: 'zz-model/2', role: 'SERVING', depth: 1 }]);
      expect(impact!.projectIds).toEqual(['zz-project']);

      // Replaying every batch, in another order, changes nothing.
      for (const b of [catalog, lineage, inference, training, { source: 'inference' as const, syncedAt: at, deployments: [deployment] }]) await store.applyBatch(b);
      expect(await store.counts()).toEqual(c1);
      expect(await nodesOf()).toEqual(f1);

      // A target both the version's own (a canary) and serving a model derived from it: counted once.
      await opened?.settle?.();
      const canary = { id: 'zz-target#2', targetId: 'zz-target', modelVersionId: 'zz-model/1', from: at, to: null, trafficPercent: 10, state: 'CANARY' };
      await store.applyBatch({ source: 'inference', syncedAt: at, deployments: [canary] });
      const both = await store.deprecationImpact('zz-model/1', 10);
      expect(both!.targets).toEqual([{ targetId: 'zz-target', projectId: 'zz-project', modelVersionId: 'zz-model/1', role: 'CANARY', depth: 0 }]);
      expect(both!.derivedTargets).toEqual(impact!.derivedTargets);
      expect(both!.projectCounts).toEqual([{ projectId: 'zz-project', targets: 1, derivedModels: 1, derivedTargets: 1, allTargets: 1 }]);
      expect(both!.unassignedTargets).toBe(0);
    });

    // Writes to a platform: keep last.
    it('shows a platform change after the next sync: a hot swap back to an older version', async () => {
      const at = '2026-11-10T00:00:00.000Z';
      const target = s.targets.find((t) => {
        const live = s.deployments.filter((d) => d.targetId === t.id && d.until === null);
        return live.length === 1 && live[0]!.trafficPercent === 100 && mv(live[0]!.modelVersionId).targetId === t.id && mv(live[0]!.modelVersionId).version > 1;
      })!;
      const current = s.deployments.find((d) => d.targetId === target.id && d.until === null)!;
      const older = s.modelVersions.find((m) => m.targetId === target.id && m.version < mv(current.modelVersionId).version)!;
      const c0 = await store.counts();

      await sources.inference.deploy({ targetId: target.id, modelVersionId: older.id, strategy: 'HOT_SWAP', at });
      expect(await store.servedAt([target.id], null)).toEqual([o.servedAt(target.id, null)]); // not synced yet
      await syncOnce(store, sources);

      expect(await store.counts()).toEqual({ nodes: c0.nodes, relationships: c0.relationships + 1 });
      const newId = `${target.id}#${s.deployments.filter((d) => d.targetId === target.id).length + 1}`;
      expect(await store.servedAt([target.id], null)).toEqual([
        [{ deploymentId: newId, modelVersionId: older.id, targetId: target.id, from: at, to: null, trafficPercent: 100, state: 'ACTIVE' }],
      ]);
      const [was] = await store.servedAt([target.id], '2026-11-05T00:00:00.000Z');
      expect(was).toEqual([{ ...spanOf(current), to: at, state: 'RETIRED' }]);
      expect((await store.deployedTo([current.modelVersionId], null))[0]!.some((d) => d.targetId === target.id)).toBe(false);
      expect((await store.getFreshness()).find((f) => f.platform === 'inference')!.watermark).toBe(at);
    });
  });
}
