/**
 * The Neo4j lineage store. Migrations from neo4j/migrations run at init (idempotent, the
 * applied versions recorded in the graph); every query is a pure builder from ../cypher.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import DataLoader from 'dataloader';
import { appError, groupBy, offsetOf, type Logger, type Page, type PageRequest } from '@mlops/kit';
import { pageFromRow, type Query } from '../cypher/query.ts';
import * as R from '../cypher/reads.ts';
import * as W from '../cypher/writes.ts';
import { Bulkhead } from './bulkhead.ts';
import { Executor, NEO4J_DEFAULTS, runAll, type Neo4jConfig, type Run } from './executor.ts';
import { walkLineage } from './lineage-walk.ts';
import {
  impactRefIds,
  PLATFORMS,
  type DatasetUsageModel,
  type DeploymentSpan,
  type DeprecationImpactModel,
  type Expansion,
  type Freshness,
  type GraphBatch,
  type GraphCounts,
  type ImpactTarget,
  type ImpactWithRefs,
  type LineageEdge,
  type LineageGraphModel,
  type LineageNode,
  type LineageNodeType,
  type LineageOptions,
  type LineageStore,
  type Platform,
  type ProjectModel,
  type ReleaseTargetFilterInput,
  type ReleaseTargetModel,
  type ReuseEntry,
  type ReuseReportModel,
  type TargetDatasetCount,
  type TargetOrder,
  type TrainedOnEntry,
} from './types.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../neo4j/migrations', import.meta.url));

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Reads `NNNN_name.cypher` files in order; statements end with `;`, `//` lines are comments. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.cypher$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.replace(/\.cypher$/, ''),
      statements: readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => !l.trim().startsWith('//'))
        .join('\n')
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    }));
}

const byKey = <T>(keys: readonly string[], rows: Record<string, any>[], keyField: string, map: (r: Record<string, any>) => T): T[][] => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = r[keyField] as string;
    const list = m.get(k) ?? [];
    list.push(map(r));
    m.set(k, list);
  }
  return keys.map((k) => m.get(k) ?? []);
};

const span = (r: Record<string, any>): DeploymentSpan => ({
  deploymentId: r.deploymentId,
  modelVersionId: r.modelVersionId,
  targetId: r.targetId,
  from: r.from,
  to: r.to ?? null,
  trafficPercent: r.trafficPercent,
  state: r.state,
});


/** Rows of R.nodesByIds, per id (key order). */
function nodesOf(ids: readonly string[], rows: Record<string, any>[]): (LineageNode | null)[] {
  const out: (LineageNode | null)[] = ids.map(() => null);
  for (const r of rows) {
    if (!r.type) continue;
    out[r.i as number] = { id: r.id, type: r.type as LineageNodeType, label: r.type === 'Project' && r.name ? r.name : r.id };
  }
  return out;
}

/** Rows of R.expand, per group (key order): the edges, and the nodes they reach outside the group's frontier. */
function expansionsOf(groups: readonly (readonly string[])[], rows: Record<string, any>[]): Expansion[] {
  const acc = groups.map((g) => ({ frontier: new Set(g), nodes: new Map<string, LineageNode>(), edges: [] as LineageEdge[] }));
  for (const r of rows) {
    const a = acc[r.g as number]!;
    if (!a.frontier.has(r.otherId) && r.otherType) {
      a.nodes.set(r.otherId, { id: r.otherId, type: r.otherType, label: r.otherType === 'Project' && r.otherName ? r.otherName : r.otherId });
    }
    a.edges.push(r.type === 'DEPLOYED_TO' ? { from: r.from, to: r.to, type: r.type, since: r.since ?? null, until: r.until ?? null } : { from: r.from, to: r.to, type: r.type });
  }
  return acc.map((a) => ({ nodes: [...a.nodes.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)), edges: a.edges }));
}

/** One page of targets asked of `listTargets`, with its order and `R.targetPageShape`. */
interface TargetPageAsk {
  page: R.TargetPageParams;
  order: TargetOrder;
  shape: string;
}

/**
 * At most this many pages in one statement: a page sorts every target its filters match, so a
 * statement's time (under the 5 s read limit) grows with it.
 */
const TARGET_PAGES_PER_STATEMENT = 16;

const cut = <T>(xs: T[], limit: number) => ({ items: xs.slice(0, limit), cut: xs.length > limit });
const sortStr = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export class Neo4jLineageStore implements LineageStore {
  readonly kind = 'neo4j' as const;
  /** Shared with the release store so both use one driver. */
  readonly ex: Executor;

  /** Traversals in flight are bounded; lookups by id and writes go around it. */
  private readonly traversals: Bulkhead;
  private readonly summaryMin: number;
  private readonly replanAtNodes: number;
  private readonly summarized = new Set<string>();
  private readonly parsed = new Map<string, { rev: number; rows: WalkRows }>();
  private readonly refreshing = new Map<string, Promise<unknown>>();
  /**
   * Pages of targets asked for in one turn of the event loop, by any request, go to Neo4j as
   * one statement per filter shape and order (R.listTargets). Under the flagship load they
   * arrive in bursts (96% of pages with others, 12 at the median), and a statement of four
   * pages costs Neo4j about half as much per page as four statements (BENCHMARKS.md, "Neo4j's
   * share of the flagship", 2026-11-25). Nothing is cached: each page is read when asked, and
   * waits at most for the end of the current turn.
   */
  private readonly targetPages = new DataLoader<TargetPageAsk, Page<ReleaseTargetModel>>((asks) => this.targetPageBatch(asks), {
    cache: false,
    batchScheduleFn: (run) => setImmediate(run),
    maxBatchSize: TARGET_PAGES_PER_STATEMENT,
  });

  constructor(
    config: Neo4jConfig,
    private readonly logger: Logger,
  ) {
    this.ex = new Executor(config, logger);
    this.summaryMin = config.impactSummaryMin ?? NEO4J_DEFAULTS.impactSummaryMin;
    this.replanAtNodes = config.replanAtNodes ?? NEO4J_DEFAULTS.replanAtNodes;
    const waitMs = config.traversalWaitMs ?? NEO4J_DEFAULTS.traversalWaitMs;
    this.traversals = new Bulkhead(config.maxConcurrentTraversals ?? NEO4J_DEFAULTS.maxConcurrentTraversals, waitMs, () =>
      appError('LINEAGE_STORE_UNAVAILABLE', `Too many lineage graph traversals are running; this one waited ${waitMs / 1000} s for its turn. Retry later`, { reason: 'BUSY' }),
    );
  }

  /** A read that walks the graph: waits for a traversal slot first. */
  private traverse(...queries: Query[]): Promise<Record<string, any>[][]> {
    return this.traversals.run(() => this.ex.read(...queries));
  }

  async init(): Promise<void> {
    const [applied] = await this.ex.read(W.appliedMigrations());
    const done = new Set((applied ?? []).map((r) => r.version as number));
    for (const m of loadMigrations()) {
      if (done.has(m.version)) continue;
      // IF NOT EXISTS makes each statement idempotent, so a crash halfway is safe to re-run.
      for (const s of m.statements) await this.ex.schema(s);
      await this.ex.write(W.recordMigration(m.version, m.name, new Date().toISOString()));
      this.logger.info({ migration: m.name }, 'applied neo4j migration');
    }
    await this.ex.schema('CALL db.awaitIndexes(120)');
    // A server started on a large graph (after `lineage:import`, or a restart) has no plans yet:
    // without this the first sync pass would plan all seven writes, ~1 s at 10,000 targets.
    const [n] = await this.ex.read(R.entityCount());
    if ((n![0]?.nodes ?? 0) >= this.replanAtNodes) await this.replanWrites();
  }

  async close() {
    await this.summariesSettled();
    await this.ex.close();
  }

  /** Versions of the migrations recorded as applied in the graph. */
  async appliedMigrations(): Promise<number[]> {
    const [rows] = await this.ex.read(W.appliedMigrations());
    return rows!.map((r) => r.version as number);
  }

  /** Deletes every node and relationship (schema stays). For tests and the bench only. */
  async wipe(): Promise<void> {
    await this.ex.schema('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  }

  async ping() {
    await this.ex.ping();
  }

  async getProjects(ids: readonly string[]) {
    const [rows] = await this.ex.read(R.projectsByIds(ids));
    const m = new Map(rows!.map((r) => [r.p.id as string, r.p as ProjectModel]));
    return ids.map((id) => m.get(id) ?? null);
  }

  async listProjects(page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.ex.read(R.listProjects(skip, page.first));
    return pageFromRow<ProjectModel>(rows![0], skip);
  }

  async getTargets(ids: readonly string[]) {
    const [rows] = await this.ex.read(R.targetsByIds(ids));
    const m = new Map(rows!.map((r) => [r.t[0] as string, R.targetFromRow(r.t)]));
    return ids.map((id) => m.get(id) ?? null);
  }

  async listTargets(projectId: string | null, f: ReleaseTargetFilterInput, page: PageRequest, order: TargetOrder = { key: 'id', descending: false }) {
    const filters = { projectId, projectIds: f.projectIds ?? null, line: f.line ?? null, plant: f.plant ?? null, search: f.search ?? null };
    // Before the batch, so a refused sort key fails this call alone.
    const shape = R.targetPageShape(filters, order);
    return this.targetPages.load({ page: { ...filters, skip: offsetOf(page), limit: page.first }, order, shape });
  }

  /**
   * The pages one `targetPages` batch asked for, one statement per shape (filters and order):
   * the pages come back in their own rows, and a statement that fails fails only its own pages.
   */
  private async targetPageBatch(asks: readonly TargetPageAsk[]): Promise<(Page<ReleaseTargetModel> | Error)[]> {
    const groups = groupBy([...asks.keys()], (i) => asks[i]!.shape);
    const out: (Page<ReleaseTargetModel> | Error)[] = asks.map(() => new Error('no row came back for this page of targets'));
    await Promise.all(
      [...groups.values()].map(async (idx) => {
        try {
          const [rows] = await this.ex.read(R.listTargets(idx.map((i) => asks[i]!.page), asks[idx[0]!]!.order));
          for (const r of rows!) {
            const i = idx[r.i as number]!;
            out[i] = pageFromRow(r, asks[i]!.page.skip, R.targetFromRow);
          }
        } catch (e) {
          for (const i of idx) out[i] = e as Error;
        }
      }),
    );
    return out;
  }

  async applyBatch(batch: GraphBatch) {
    const qs = W.batchQueries(batch);
    if (qs.length) await this.ex.write(...qs);
  }

  async replanWrites() {
    // Only a head start: if it fails, the next write plans its statement itself, so a start-up
    // or a sync pass that has already stored everything must not fail for it.
    try {
      await this.ex.rehearse(...W.batchQueries(W.rehearsalBatch(new Date().toISOString())));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'replanning the sync writes failed; the next writes plan them');
    }
  }

  async getFreshness(): Promise<Freshness[]> {
    const [rows] = await this.ex.read(R.freshness(PLATFORMS));
    return rows!.map((r) => ({ platform: r.platform as Platform, watermark: r.watermark ?? null, lastSyncAt: r.lastSyncAt ?? null, nodes: r.nodes }));
  }

  async getWatermarks(): Promise<Map<Platform, string | null>> {
    const [rows] = await this.ex.read(R.watermarks(PLATFORMS));
    return new Map(rows!.map((r) => [r.platform as Platform, r.watermark ?? null]));
  }

  async setWatermark(platform: Platform, watermark: string | null, syncedAt: string) {
    await this.ex.write(W.setWatermark(platform, watermark, syncedAt));
  }

  async counts(): Promise<GraphCounts> {
    const [rows] = await this.ex.read(R.counts());
    return { nodes: rows![0]!.nodes, relationships: rows![0]!.relationships };
  }

  async trainedOn(ids: readonly string[], depth: number): Promise<TrainedOnEntry[][]> {
    const [rows] = await this.traverse(R.trainedOn(ids, depth));
    return byKey(ids, rows!, 'mid', (r) => ({ datasetVersionId: r.datasetVersionId, depth: r.depth, runId: r.runId }));
  }

  async deployedTo(ids: readonly string[], at: string | null) {
    const [rows] = await this.ex.read(R.deployedTo(ids, at));
    return byKey(ids, rows!, 'key', span);
  }

  async servedAt(ids: readonly string[], at: string | null) {
    const [rows] = await this.ex.read(R.servedAt(ids, at));
    return byKey(ids, rows!, 'key', span);
  }

  async reusedByMany(ids: readonly string[], limit: number): Promise<ReuseReportModel[]> {
    if (ids.length === 0) return [];
    const [rows] = await this.traverse(R.reusedBy(ids, limit + 1));
    const per = ids.map((): ReuseEntry[] => []);
    for (const r of rows!) per[r.i as number]!.push({ kind: r.kind, modelVersionId: r.modelVersionId, targetId: r.targetId ?? null, path: r.path });
    return per.map((entries) => ({ entries: entries.slice(0, limit), truncated: entries.length > limit }));
  }

  async reusedBy(id: string, limit: number): Promise<ReuseReportModel> {
    return (await this.reusedByMany([id], limit))[0]!;
  }

  async deprecationImpactMany(ids: readonly string[], limit: number): Promise<(DeprecationImpactModel | null)[]> {
    return (await this.impact(ids, limit, false)).impacts;
  }

  async deprecationImpactWithRefs(ids: readonly string[], limit: number): Promise<ImpactWithRefs> {
    return this.impact(ids, limit, true);
  }

  /**
   * The seven impact queries go out together (pipelined); with `refs`, the targets and
   * projects their answers name are read next in the same transaction, which saves the
   * resolvers two more transactions (a champion's impact through the lineage subgraph made
   * three: this one, then targets and projects).
   *
   * Impact summaries (issue 11, goal 5: cost grows with the answer, not the graph). Three of
   * the seven queries walk the whole derived tree: for a fleet base model at 30,000 targets,
   * 17,145 derived models and 6,437 serving targets, 190 ms of Neo4j however small the answer.
   * A version whose walk was that large gets a summary: those three queries' rows, computed in
   * the background (`refreshImpactSummary`) and stored with the version's impact revision,
   * which every write that could change them moves (writes.ts bumpImpact). The root query
   * returns the summary while it is of the current revision, and the walks are not sent for
   * versions this process knows to have one; a stale one is walked in a second round trip of
   * the same transaction and refreshed again. Answers are the same either way (the contract
   * suite runs with summaries for every version).
   */
  private impact(ids: readonly string[], limit: number, refs: boolean): Promise<ImpactWithRefs> {
    if (ids.length === 0) return Promise.resolve({ impacts: [], targets: [], projects: [] });
    return this.traversals.run(() =>
      this.ex.readTransaction(async (run) => {
        const rows = await this.impactRows(run, ids, limit);
        const impacts = this.assembleImpact(ids, limit, rows);
        if (!refs) return { impacts, targets: [], projects: [] };
        const { targetIds, projectIds } = impactRefIds(impacts);
        // Derived targets came with their description (null: not described yet); read the rest.
        const known = new Map<string, ReleaseTargetModel | null>(rows[4].map((r) => [r.targetId as string, (r.target ?? null) as ReleaseTargetModel | null]));
        const [t, p] = await runAll(run, [R.targetsByIds(targetIds.filter((id) => !known.has(id))), R.projectsByIds(projectIds)]);
        for (const r of t!) known.set(r.t[0] as string, R.targetFromRow(r.t));
        const targets = targetIds.map((id) => known.get(id)).filter((x): x is ReleaseTargetModel => !!x);
        return { impacts, targets, projects: p!.map((r) => r.p as ProjectModel) };
      }),
    );
  }

  /** The rows of the seven impact queries (`Rows7` order), from the walks or from summaries. */
  private async impactRows(run: Run, ids: readonly string[], limit: number): Promise<Rows7> {
    // Rows are grouped by key, so each key is asked once however often it is repeated.
    const keys = [...new Set(ids)];
    const summaries = limit + 1 <= SUMMARY_ROWS && this.summaryMin > 0;
    const walk = summaries ? keys.filter((k) => !this.summarized.has(k)) : keys;
    // Summaries parsed before: Neo4j sends one again only when its revision moved.
    const held = new Map(keys.flatMap((k) => (this.parsed.has(k) ? [[k, this.parsed.get(k)!] as const] : [])));
    const [root, own, rollback, pending, ...walked] = await runAll(run, [
      R.impact.root(keys, Object.fromEntries([...held].map(([k, v]) => [k, v.rev]))),
      R.impact.own(keys),
      R.impact.rollback(keys),
      R.impact.pending(keys),
      ...(walk.length ? walkQueries(walk, limit + 1) : []),
    ]);
    const [derived, derivedTargets, derivedProjects] = walked.length ? (walked as WalkRows) : ([[], [], []] as WalkRows);
    const walking = new Set(walk);
    const stale: string[] = [];
    const had = new Set<string>();
    for (const r of root!) {
      const key = r.key as string;
      if (r.summaryRev != null) {
        had.add(key);
        this.remember(key);
      }
      if (walking.has(key)) continue;
      if (r.summaryRev == null) {
        stale.push(key);
        continue;
      }
      const s = r.summary == null ? held.get(key)!.rows : this.parse(key, r.summaryRev as number, r.summary as string);
      // Summaries hold SUMMARY_ROWS rows per cut list; the walk would have returned limit + 1.
      derived.push(...s[0].slice(0, limit + 1));
      derivedTargets.push(...s[1].slice(0, limit + 1));
      derivedProjects.push(...s[2]);
    }
    if (stale.length) {
      const [d, t, p] = (await runAll(run, walkQueries(stale, limit + 1))) as WalkRows;
      derived.push(...d);
      derivedTargets.push(...t);
      derivedProjects.push(...p);
    }
    if (summaries) {
      // Versions whose walk was large get a summary (again, when theirs was stale).
      const fresh = new Set([...walk, ...stale].filter((k) => !had.has(k)));
      const rowsOf = new Map<string, number>();
      for (const r of [...derived, ...derivedTargets]) if (fresh.has(r.key)) rowsOf.set(r.key, (rowsOf.get(r.key) ?? 0) + 1);
      for (const [key, n] of rowsOf) if (n >= this.summaryMin) this.scheduleSummary(key);
    }
    return [root!, own!, rollback!, derived, derivedTargets, pending!, derivedProjects];
  }

  /**
   * Computes and stores a model version's impact summary, unless a write moves its impact
   * revision meanwhile (then false, and the next reader walks). The revision is read first,
   * in the same transaction as the walks: a write that commits after that read moves it.
   */
  async refreshImpactSummary(id: string): Promise<boolean> {
    const computed = await this.traversals.run(() =>
      this.ex.readTransaction(async (run) => {
        const [head] = await run(R.impact.revision([id]));
        if (!head) return null;
        return { rev: head.rev as number, rows: (await runAll(run, walkQueries([id], SUMMARY_ROWS))) as WalkRows };
      }),
    );
    if (!computed) return false;
    const [[res]] = (await this.ex.write(W.storeImpactSummary(id, computed.rev, JSON.stringify(computed.rows), new Date().toISOString()))) as [Rows];
    const stored = Number(res?.stored ?? 0) > 0;
    if (stored) this.remember(id);
    return stored;
  }

  /** Summaries being computed in the background (tests and benches await them). */
  async summariesSettled(): Promise<void> {
    while (this.refreshing.size) await Promise.allSettled([...this.refreshing.values()]);
  }

  private scheduleSummary(id: string) {
    // Bounded: a burst of distinct heavy versions refreshes a few at a time, the rest next time.
    if (this.refreshing.has(id) || this.refreshing.size >= MAX_REFRESHING) return;
    const p = this.refreshImpactSummary(id)
      .catch((e: unknown) => this.logger.warn({ modelVersionId: id, err: (e as Error)?.message }, 'impact summary refresh failed'))
      .finally(() => this.refreshing.delete(id));
    this.refreshing.set(id, p);
  }

  /** A summary's rows, kept parsed for the next request (bounded, least recent out). */
  private parse(key: string, rev: number, json: string): WalkRows {
    const rows = JSON.parse(json) as WalkRows;
    this.parsed.delete(key);
    this.parsed.set(key, { rev, rows });
    if (this.parsed.size > MAX_PARSED) this.parsed.delete(this.parsed.keys().next().value!);
    return rows;
  }

  /** Versions known to have a summary: their walks are not sent (bounded, least recent out). */
  private remember(id: string) {
    this.summarized.delete(id);
    this.summarized.add(id);
    if (this.summarized.size > MAX_SUMMARIZED) this.summarized.delete(this.summarized.values().next().value!);
  }

  /** The answers from the rows of `impactRows`, in its order. */
  private assembleImpact(ids: readonly string[], limit: number, rows: Record<string, any>[][]): (DeprecationImpactModel | null)[] {
    const [root, own, rollback, derived, derivedTargets, pending, derivedProjects] = rows as Rows7;
    const rootOf = new Map(root.map((r) => [r.key as string, r]));
    const ownOf = byKey(ids, [...own, ...rollback], 'key', (r) => r);
    const derivedOf = byKey(ids, derived, 'key', (r) => r);
    const derivedTargetsOf = byKey(ids, derivedTargets, 'key', (r) => r);
    const pendingOf = byKey(ids, pending, 'key', (r) => r);
    const derivedOfKey = byKey(ids, derivedProjects, 'key', (r) => r as { groups: DerivedGroup[]; touched: string[] });
    return ids.map((id, i) => {
      const r = rootOf.get(id);
      if (!r) return null;
      const targets: ImpactTarget[] = ownOf[i]!
        .map((x) => ({ targetId: x.targetId, projectId: x.projectId, modelVersionId: id, role: x.role, depth: 0 }))
        .sort((a, b) => (a.targetId < b.targetId ? -1 : a.targetId > b.targetId ? 1 : a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
      const dTargets: ImpactTarget[] = derivedTargetsOf[i]!.map((x) => ({
        targetId: x.targetId,
        projectId: x.projectId,
        modelVersionId: x.modelVersionId,
        role: x.role,
        depth: x.depth,
      }));
      const projects = new Set<string>();
      for (const t of [...targets, ...dTargets]) if (t.projectId) projects.add(t.projectId);
      if (r.projectId) projects.add(r.projectId);
      for (const d of derivedOf[i]!) if (d.projectId) projects.add(d.projectId);
      const groups = derivedOfKey[i]!.flatMap((x) => x.groups);
      const touched = new Set(derivedOfKey[i]!.flatMap((x) => x.touched));
      for (const g of groups) {
        if (g.projectId) projects.add(g.projectId);
        for (const p of g.modelProjects) if (p) projects.add(p);
      }
      const a = cut(targets, limit);
      const b = cut(derivedOf[i]!.map((x) => ({ modelVersionId: x.modelVersionId, depth: x.depth, path: x.path })), limit);
      const c = cut(dTargets, limit);
      const d = cut(pendingOf[i]!.map((x) => ({ releaseId: x.releaseId, status: x.status, targetIds: x.targetIds })), limit);
      const p = cut(sortStr([...projects]), limit);
      return {
        modelVersionId: id,
        targets: a.items,
        derivedModels: b.items,
        derivedTargets: c.items,
        pendingReleases: d.items,
        projectIds: p.items,
        truncated: a.cut || b.cut || c.cut || d.cut || p.cut,
        ...countFromGroups(targets, groups, touched, p.items),
      };
    });
  }

  async deprecationImpact(id: string, limit: number): Promise<DeprecationImpactModel | null> {
    return (await this.deprecationImpactMany([id], limit))[0]!;
  }

  async usedBy(ids: readonly string[], limit: number): Promise<(DatasetUsageModel | null)[]> {
    const [rows] = await this.traverse(R.usedBy(ids));
    const m = new Map(rows!.map((r) => [r.did as string, r]));
    return ids.map((id) => {
      const r = m.get(id);
      if (!r) return null;
      const runs = cut(sortStr(r.runIds), limit);
      const models = cut(sortStr(r.modelVersionIds), limit);
      const targets = cut(sortStr(r.targetIds), limit);
      return { datasetVersionId: id, runIds: runs.items, modelVersionIds: models.items, targetIds: targets.items, truncated: runs.cut || models.cut || targets.cut };
    });
  }

  async node(id: string): Promise<LineageNode | null> {
    const [rows] = await this.ex.read(R.nodesByIds([id]));
    return nodesOf([id], rows!)[0]!;
  }

  async expand(ids: readonly string[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Promise<Expansion> {
    if (ids.length === 0) return { nodes: [], edges: [] };
    const [rows] = await this.traverse(R.expand([ids], direction, at, limit));
    return expansionsOf([ids], rows!)[0]!;
  }

  async lineageMany(rootIds: readonly string[], options: LineageOptions): Promise<LineageGraphModel[]> {
    if (rootIds.length === 0) return [];
    // One read transaction for the whole walk: one connection, however many roots and levels.
    return this.traversals.run(() =>
      this.ex.readTransaction((run) =>
        walkLineage(rootIds, options, {
          nodes: async (ids) => nodesOf(ids, await run(R.nodesByIds(ids))),
          expand: async (groups, direction, at, limit) => expansionsOf(groups, await run(R.expand(groups, direction, at, limit))),
        }),
      ),
    );
  }

  async targetsNotOn(name: string, minVersion: number, projectId: string | null, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.traverse(R.targetsNotOn(name, minVersion, projectId, skip, page.first));
    return pageFromRow(rows![0], skip, R.targetFromRow);
  }

  async targetCountsByDataset(projectId: string | null, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.traverse(R.targetCountsByDataset(projectId, skip, page.first));
    return pageFromRow<TargetDatasetCount>(rows![0], skip);
  }

  async targetsTrainedOnDataBefore(before: string, projectId: string | null, page: PageRequest) {
    const skip = offsetOf(page);
    const [rows] = await this.traverse(R.targetsTrainedOnDataBefore(before, projectId, skip, page.first));
    return pageFromRow(rows![0], skip, R.targetFromRow);
  }
}


type Rows = Record<string, any>[];
/** The rows of the seven impact queries. */
type Rows7 = [Rows, Rows, Rows, Rows, Rows, Rows, Rows];
/** The rows of the three walking impact queries: derived, derivedTargets, derivedProjects. */
type WalkRows = [Rows, Rows, Rows];

/**
 * Rows per cut list in a summary: the largest limit the API takes (5,000, what the explorer asks
 * for its CSV) + 1, so every limit is answered from it. The walk costs the same for 5,001 rows
 * as for 1,001 (it visits the whole tree either way); the summary of a fleet base model is then
 * about 1.5 MB of JSON, resent by Neo4j only when its revision moves.
 */
const SUMMARY_ROWS = 5_001;
const MAX_REFRESHING = 2;
const MAX_SUMMARIZED = 10_000;
/** Parsed summaries held: each up to 5,000 derived models and 5,000 targets. */
const MAX_PARSED = 8;

const walkQueries = (keys: readonly string[], lim: number): Query[] => [
  R.impact.derived(keys, lim),
  R.impact.derivedTargets(keys, lim),
  R.impact.derivedProjects(keys),
];

/** A group of `impact.derivedProjects`: the targets serving a derived model, of one project. */
interface DerivedGroup {
  projectId: string | null;
  modelProjects: (string | null)[];
  targets: number;
  models: number;
}

/**
 * `countImpact` from the version's whole own list and the derived targets counted in Neo4j:
 * a target both the version's own and serving a derived model is counted once.
 */
function countFromGroups(
  own: readonly ImpactTarget[],
  groups: readonly DerivedGroup[],
  /** The derived-serving targets the version itself was ever deployed to (its own ones among them). */
  touched: ReadonlySet<string>,
  projectIds: readonly string[],
): Pick<DeprecationImpactModel, 'projectCounts' | 'unassignedTargets'> {
  const ownOf = (p: string | null) => new Set(own.filter((t) => (t.projectId ?? null) === p).map((t) => t.targetId));
  const groupOf = (p: string | null) => groups.find((g) => g.projectId === p);
  const count = (p: string | null) => {
    const mine = ownOf(p);
    const g = groupOf(p);
    const both = [...mine].filter((t) => touched.has(t)).length;
    return { targets: mine.size, derivedModels: g?.models ?? 0, derivedTargets: g?.targets ?? 0, allTargets: mine.size + (g?.targets ?? 0) - both };
  };
  return { projectCounts: projectIds.map((projectId) => ({ projectId, ...count(projectId) })), unassignedTargets: count(null).allTargets };
}
