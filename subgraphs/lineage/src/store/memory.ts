/**
 * The in-memory lineage store: a small property graph (nodes by label and id, relationships
 * with indexes by start and end node) for machines without Java and for tests. It answers the
 * same questions as the Neo4j store with the same semantics; `contract.ts` pins them down.
 */
import { pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { syncOnce } from '../sync/sync.ts';
import { walkLineage } from './lineage-walk.ts';
import {
  countImpact,
  impactRefIds,
  LINEAGE_NODE_TYPES,
  PLATFORMS,
  type DatasetUsageModel,
  type DeploymentSpan,
  type DeprecationImpactModel,
  type DerivedModel,
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
  type PendingRelease,
  type Platform,
  type ProjectModel,
  type RelType,
  type ReleaseTargetFilterInput,
  type ReleaseTargetModel,
  type ReuseEntry,
  type ReuseKind,
  type ReuseReportModel,
  type TargetDatasetCount,
  type TargetOrder,
  type TargetRole,
  type TrainedOnEntry,
} from './types.ts';

type Value = string | number | string[] | null;

interface GNode {
  label: LineageNodeType;
  id: string;
  props: Record<string, Value>;
  /** Null for a bare key created only because something referenced it. */
  source: Platform | null;
  syncedAt: string | null;
}

interface SpanProps {
  deploymentId: string;
  from: string;
  to: string | null;
  trafficPercent: number;
  state: string;
}

interface GRel {
  /** `type|start|end`, or `DEPLOYED_TO|deploymentId`. */
  key: string;
  type: RelType;
  start: GNode;
  end: GNode;
  /** DEPLOYED_TO only. */
  span: SpanProps | null;
}

/** Max hops of the variable-length DERIVED_FROM walks (Cypher `*1..6`). */
const MAX_HOPS = 6;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Lexicographic comparison of id tuples. */
const cmpTuple = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < a.length; i++) {
    const c = cmp(a[i]!, b[i]!);
    if (c) return c;
  }
  return 0;
};
const sortedIds = (ids: Iterable<string>) => [...new Set(ids)].sort(cmp);
const liveAt = (s: SpanProps, at: string | null) => (at === null ? s.to === null : s.from <= at && (s.to === null || s.to > at));
const roleOf = (s: SpanProps): TargetRole => (s.state === 'CANARY' ? 'CANARY' : 'SERVING');
const KIND_RANK: Record<ReuseKind, number> = { SAME_VERSION: 0, DERIVED_MODEL: 1, SHARED_DATA: 2 };

const DOWNSTREAM_OUT: ReadonlySet<RelType> = new Set(['PRODUCED', 'DEPLOYED_TO', 'IN_PROJECT']);
const DOWNSTREAM_IN: ReadonlySet<RelType> = new Set(['CONSUMED', 'DERIVED_FROM', 'VERSION_OF']);

function cut<T>(xs: T[], limit: number): { items: T[]; cut: boolean } {
  const n = Math.max(0, limit);
  return xs.length > n ? { items: xs.slice(0, n), cut: true } : { items: xs, cut: false };
}

export class MemoryLineageStore implements LineageStore {
  readonly kind = 'memory' as const;
  private readonly nodes = new Map<LineageNodeType, Map<string, GNode>>(LINEAGE_NODE_TYPES.map((l) => [l, new Map()]));
  private readonly rels = new Map<string, GRel>();
  private readonly outIdx = new Map<GNode, GRel[]>();
  private readonly inIdx = new Map<GNode, GRel[]>();
  private readonly marks = new Map<Platform, { watermark: string | null; lastSyncAt: string }>();
  /** Pending releases naming a model version (wired to the memory release store). */
  pendingReleaseSource?: (modelVersionId: string) => PendingRelease[];

  /** A store filled by one sync over the built-in platforms of this scenario. */
  static async fromScenario(s: Scenario): Promise<MemoryLineageStore> {
    const store = new MemoryLineageStore();
    await syncOnce(store, {
      training: new BuiltinTrainingConnector(s),
      catalog: new BuiltinCatalogConnector(s),
      inference: new BuiltinInferenceConnector(s),
      projects: async () => s.projects.map((p) => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: [...p.owners] })),
    });
    return store;
  }

  async init() {}
  async ping() {}
  async close() {}

  /* ---------- graph primitives ---------- */

  private get(label: LineageNodeType, id: string): GNode | undefined {
    return this.nodes.get(label)!.get(id);
  }

  /** A node by id whatever its label (ids do not collide across labels; first label wins). */
  private anyNode(id: string): GNode | undefined {
    for (const l of LINEAGE_NODE_TYPES) {
      const n = this.get(l, id);
      if (n) return n;
    }
    return undefined;
  }

  /** MERGE on (label, id): creates a bare key if missing. */
  private merge(label: LineageNodeType, id: string): GNode {
    const byId = this.nodes.get(label)!;
    let n = byId.get(id);
    if (!n) {
      n = { label, id, props: {}, source: null, syncedAt: null };
      byId.set(id, n);
    }
    return n;
  }

  /** MERGE and SET: the node as written by `source`. */
  private write(label: LineageNodeType, id: string, props: Record<string, Value>, source: Platform, syncedAt: string): GNode {
    const n = this.merge(label, id);
    Object.assign(n.props, props);
    n.source = source;
    n.syncedAt = syncedAt;
    return n;
  }

  private link(type: RelType, start: GNode, end: GNode, span: SpanProps | null = null) {
    const key = span ? `${type}|${span.deploymentId}` : `${type}|${start.label}:${start.id}|${end.label}:${end.id}`;
    const old = this.rels.get(key);
    if (old && old.start === start && old.end === end) {
      old.span = span;
      return;
    }
    if (old) this.unlink(old);
    const r: GRel = { key, type, start, end, span };
    this.rels.set(key, r);
    push(this.outIdx, start, r);
    push(this.inIdx, end, r);
  }

  private unlink(r: GRel) {
    this.rels.delete(r.key);
    const o = this.outIdx.get(r.start);
    if (o) o.splice(o.indexOf(r), 1);
    const i = this.inIdx.get(r.end);
    if (i) i.splice(i.indexOf(r), 1);
  }

  private out(n: GNode, type: RelType): GRel[] {
    return (this.outIdx.get(n) ?? []).filter((r) => r.type === type);
  }

  private in(n: GNode, type: RelType): GRel[] {
    return (this.inIdx.get(n) ?? []).filter((r) => r.type === type);
  }

  private spans(rels: GRel[], at: string | null): DeploymentSpan[] {
    return rels
      .filter((r) => liveAt(r.span!, at))
      .map((r) => ({
        deploymentId: r.span!.deploymentId,
        modelVersionId: r.start.id,
        targetId: r.end.id,
        from: r.span!.from,
        to: r.span!.to,
        trafficPercent: r.span!.trafficPercent,
        state: r.span!.state,
      }));
  }

  /** Live (now) DEPLOYED_TO relationships leaving a model version. */
  private liveOut(mv: GNode): GRel[] {
    return this.out(mv, 'DEPLOYED_TO').filter((r) => r.span!.to === null);
  }

  /** Nodes reaching `root` over incoming `type` in 1..MAX_HOPS hops: id → shortest path [root, ..., node]. */
  private upstreamOf(root: GNode, type: RelType): Map<string, { node: GNode; path: GNode[] }> {
    const found = new Map<string, { node: GNode; path: GNode[] }>();
    let frontier = [{ node: root, path: [root] }];
    for (let hop = 1; hop <= MAX_HOPS && frontier.length > 0; hop++) {
      const next: typeof frontier = [];
      for (const f of frontier) {
        const sources = this.in(f.node, type)
          .map((r) => r.start)
          .sort((a, b) => cmp(a.id, b.id));
        for (const s of sources) {
          if (s === root || found.has(s.id)) continue;
          const e = { node: s, path: [...f.path, s] };
          found.set(s.id, e);
          next.push(e);
        }
      }
      frontier = next;
    }
    return found;
  }

  private projectModel(n: GNode | undefined): ProjectModel | null {
    if (!n || n.source === null) return null;
    const p = n.props;
    return { id: n.id, name: p.name as string, description: (p.description as string | null) ?? null, plant: p.plant as string, owners: [...((p.owners as string[]) ?? [])] };
  }

  private targetModel(n: GNode | undefined): ReleaseTargetModel | null {
    if (!n || n.source === null) return null;
    const p = n.props;
    return { id: n.id, name: p.name as string, projectId: p.projectId as string, plant: p.plant as string, line: p.line as string, environment: p.environment as string };
  }

  /** Described (not bare-key) targets, optionally of one project, by id. */
  private targetNodes(projectId: string | null): GNode[] {
    return [...this.nodes.get('ReleaseTarget')!.values()]
      .filter((t) => t.source !== null && (projectId === null || t.props.projectId === projectId))
      .sort((a, b) => cmp(a.id, b.id));
  }

  private lineageNode(n: GNode): LineageNode {
    const name = n.label === 'Project' ? n.props.name : null;
    return { id: n.id, type: n.label, label: typeof name === 'string' ? name : n.id };
  }

  /* ---------- projects and targets ---------- */

  async getProjects(ids: readonly string[]) {
    return ids.map((id) => this.projectModel(this.get('Project', id)));
  }

  async listProjects(page: PageRequest) {
    const rows = [...this.nodes.get('Project')!.values()]
      .map((n) => this.projectModel(n))
      .filter((p): p is ProjectModel => p !== null)
      .sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id));
    return pageOf(rows, page);
  }

  async getTargets(ids: readonly string[]) {
    return ids.map((id) => this.targetModel(this.get('ReleaseTarget', id)));
  }

  async listTargets(projectId: string | null, f: ReleaseTargetFilterInput, page: PageRequest, order?: TargetOrder) {
    const q = f.search?.toLowerCase();
    const rows = this.targetNodes(projectId)
      .map((n) => this.targetModel(n)!)
      .filter((t) => (!f.projectIds || f.projectIds.includes(t.projectId)) && (!f.line || t.line === f.line) && (!f.plant || t.plant === f.plant) && (!q || t.id.toLowerCase().includes(q)));
    if (order && order.key !== 'id') {
      const sign = order.descending ? -1 : 1;
      rows.sort((a, b) => sign * cmp(a[order.key], b[order.key]) || cmp(a.id, b.id));
    } else if (order?.descending) rows.reverse();
    return pageOf(rows, page);
  }

  /* ---------- writes and freshness ---------- */

  async applyBatch(b: GraphBatch): Promise<void> {
    const { source, syncedAt } = b;
    for (const p of b.projects ?? []) {
      this.write('Project', p.id, { name: p.name, description: p.description, plant: p.plant, owners: [...p.owners] }, source, syncedAt);
    }
    for (const t of b.targets ?? []) {
      const n = this.write('ReleaseTarget', t.id, { name: t.name, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment }, source, syncedAt);
      this.link('IN_PROJECT', n, this.merge('Project', t.projectId));
    }
    for (const d of b.datasets ?? []) {
      this.write('Dataset', d.id, { name: d.name, kind: d.kind, owner: d.owner }, source, syncedAt);
    }
    for (const v of b.datasetVersions ?? []) {
      const n = this.write('DatasetVersion', v.id, { datasetId: v.datasetId, version: v.version, uri: v.uri, owner: v.owner, createdAt: v.createdAt }, source, syncedAt);
      this.link('VERSION_OF', n, this.merge('Dataset', v.datasetId));
      for (const up of v.derivedFrom) this.link('DERIVED_FROM', n, this.merge('DatasetVersion', up));
    }
    for (const r of b.runs ?? []) {
      const n = this.write('TrainingRun', r.id, { experiment: r.experiment, startTime: r.startTime }, source, syncedAt);
      for (const dv of r.inputs) this.link('CONSUMED', n, this.merge('DatasetVersion', dv));
    }
    for (const m of b.modelVersions ?? []) {
      const n = this.write(
        'ModelVersion',
        m.id,
        { name: m.name, version: m.version, createdAt: m.createdAt, runId: m.runId, projectId: m.projectId, derivedFrom: m.derivedFrom },
        source,
        syncedAt,
      );
      if (m.runId) this.link('PRODUCED', this.merge('TrainingRun', m.runId), n);
      if (m.derivedFrom) this.link('DERIVED_FROM', n, this.merge('ModelVersion', m.derivedFrom));
    }
    for (const d of b.deployments ?? []) {
      this.link('DEPLOYED_TO', this.merge('ModelVersion', d.modelVersionId), this.merge('ReleaseTarget', d.targetId), {
        deploymentId: d.id,
        from: d.from,
        to: d.to,
        trafficPercent: d.trafficPercent,
        state: d.state,
      });
    }
  }

  async getFreshness(): Promise<Freshness[]> {
    const bySource = new Map<Platform, number>();
    for (const byId of this.nodes.values()) {
      for (const n of byId.values()) if (n.source) bySource.set(n.source, (bySource.get(n.source) ?? 0) + 1);
    }
    return PLATFORMS.map((platform) => {
      const m = this.marks.get(platform);
      return { platform, watermark: m?.watermark ?? null, lastSyncAt: m?.lastSyncAt ?? null, nodes: bySource.get(platform) ?? 0 };
    });
  }

  async getWatermarks(): Promise<Map<Platform, string | null>> {
    return new Map(PLATFORMS.map((p) => [p, this.marks.get(p)?.watermark ?? null]));
  }

  async setWatermark(platform: Platform, watermark: string | null, syncedAt: string) {
    this.marks.set(platform, { watermark, lastSyncAt: syncedAt });
  }

  async counts(): Promise<GraphCounts> {
    let nodes = 0;
    for (const byId of this.nodes.values()) nodes += byId.size;
    return { nodes, relationships: this.rels.size };
  }

  /* ---------- lineage questions ---------- */

  async trainedOn(modelVersionIds: readonly string[], depth: number): Promise<TrainedOnEntry[][]> {
    const maxDepth = Math.max(0, Math.floor(depth));
    return modelVersionIds.map((id) => {
      const mv = this.get('ModelVersion', id);
      if (!mv) return [];
      const best = new Map<string, TrainedOnEntry>();
      const offer = (e: TrainedOnEntry) => {
        const cur = best.get(e.datasetVersionId);
        if (!cur || e.depth < cur.depth || (e.depth === cur.depth && e.runId < cur.runId)) best.set(e.datasetVersionId, e);
      };
      for (const produced of this.in(mv, 'PRODUCED')) {
        const run = produced.start;
        const seen = new Set<GNode>();
        let frontier = this.out(run, 'CONSUMED').map((r) => r.end);
        for (let d = 0; d <= maxDepth && frontier.length > 0; d++) {
          const next: GNode[] = [];
          for (const dv of frontier) {
            if (seen.has(dv)) continue;
            seen.add(dv);
            offer({ datasetVersionId: dv.id, depth: d, runId: run.id });
            for (const r of this.out(dv, 'DERIVED_FROM')) next.push(r.end);
          }
          frontier = next;
        }
      }
      return [...best.values()].sort((a, b) => a.depth - b.depth || cmp(a.datasetVersionId, b.datasetVersionId));
    });
  }

  async deployedTo(modelVersionIds: readonly string[], at: string | null): Promise<DeploymentSpan[][]> {
    return modelVersionIds.map((id) => {
      const mv = this.get('ModelVersion', id);
      if (!mv) return [];
      return this.spans(this.out(mv, 'DEPLOYED_TO'), at).sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.from, b.from) || cmp(a.deploymentId, b.deploymentId));
    });
  }

  async servedAt(targetIds: readonly string[], at: string | null): Promise<DeploymentSpan[][]> {
    return targetIds.map((id) => {
      const t = this.get('ReleaseTarget', id);
      if (!t) return [];
      return this.spans(this.in(t, 'DEPLOYED_TO'), at).sort(
        (a, b) => b.trafficPercent - a.trafficPercent || cmp(a.modelVersionId, b.modelVersionId) || cmp(a.deploymentId, b.deploymentId),
      );
    });
  }

  async reusedByMany(modelVersionIds: readonly string[], limit: number): Promise<ReuseReportModel[]> {
    return modelVersionIds.map((id) => this.reuseOf(id, limit));
  }

  async reusedBy(modelVersionId: string, limit: number): Promise<ReuseReportModel> {
    return this.reuseOf(modelVersionId, limit);
  }

  private reuseOf(modelVersionId: string, limit: number): ReuseReportModel {
    const root = this.get('ModelVersion', modelVersionId);
    if (!root) return { entries: [], truncated: false };
    const entries: ReuseEntry[] = [];
    const liveTargets = (mv: GNode) => sortedIds(this.liveOut(mv).map((r) => r.end.id));
    const perTarget = (kind: ReuseKind, mv: GNode, path: string[]) => {
      const ts = liveTargets(mv);
      if (ts.length === 0 && kind !== 'SAME_VERSION') entries.push({ kind, modelVersionId: mv.id, targetId: null, path });
      for (const t of ts) entries.push({ kind, modelVersionId: mv.id, targetId: t, path: [...path, t] });
    };

    perTarget('SAME_VERSION', root, [root.id]);
    for (const { node, path } of this.upstreamOf(root, 'DERIVED_FROM').values()) {
      if (node.label === 'ModelVersion') perTarget('DERIVED_MODEL', node, path.map((n) => n.id));
    }
    // Shared data: the smallest (dv, r0, r2) per reusing model.
    const shared = new Map<string, { m2: GNode; key: [string, string, string] }>();
    for (const p0 of this.in(root, 'PRODUCED')) {
      const r0 = p0.start;
      for (const c0 of this.out(r0, 'CONSUMED')) {
        const dv = c0.end;
        for (const c2 of this.in(dv, 'CONSUMED')) {
          const r2 = c2.start;
          if (r2 === r0) continue;
          for (const p2 of this.out(r2, 'PRODUCED')) {
            const m2 = p2.end;
            if (m2 === root) continue;
            const key: [string, string, string] = [dv.id, r0.id, r2.id];
            const cur = shared.get(m2.id);
            if (!cur || cmpTuple(key, cur.key) < 0) shared.set(m2.id, { m2, key });
          }
        }
      }
    }
    for (const { m2, key } of shared.values()) perTarget('SHARED_DATA', m2, [root.id, key[1], key[0], key[2], m2.id]);

    entries.sort(
      (a, b) =>
        KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
        cmp(a.modelVersionId, b.modelVersionId) ||
        (a.targetId === b.targetId ? 0 : a.targetId === null ? -1 : b.targetId === null ? 1 : cmp(a.targetId, b.targetId)),
    );
    const c = cut(entries, limit);
    return { entries: c.items, truncated: c.cut };
  }

  async deprecationImpactMany(modelVersionIds: readonly string[], limit: number): Promise<(DeprecationImpactModel | null)[]> {
    return modelVersionIds.map((id) => this.impactOf(id, limit));
  }

  async deprecationImpact(modelVersionId: string, limit: number): Promise<DeprecationImpactModel | null> {
    return this.impactOf(modelVersionId, limit);
  }

  async deprecationImpactWithRefs(modelVersionIds: readonly string[], limit: number): Promise<ImpactWithRefs> {
    const impacts = modelVersionIds.map((id) => this.impactOf(id, limit));
    const { targetIds, projectIds } = impactRefIds(impacts);
    return {
      impacts,
      targets: (await this.getTargets(targetIds)).filter((t): t is ReleaseTargetModel => t !== null),
      projects: (await this.getProjects(projectIds)).filter((p): p is ProjectModel => p !== null),
    };
  }

  private impactOf(modelVersionId: string, limit: number): DeprecationImpactModel | null {
    const mv = this.get('ModelVersion', modelVersionId);
    if (!mv) return null;
    const projectOf = (t: GNode) => (t.props.projectId as string | undefined) ?? null;
    const impact = (t: GNode, model: GNode, role: TargetRole, depth: number): ImpactTarget => ({
      targetId: t.id,
      projectId: projectOf(t) as string,
      modelVersionId: model.id,
      role,
      depth,
    });

    const targets = new Map<string, ImpactTarget>();
    const add = (m: Map<string, ImpactTarget>, it: ImpactTarget) => m.set(`${it.targetId}|${it.modelVersionId}|${it.role}`, it);
    for (const r of this.liveOut(mv)) add(targets, impact(r.end, mv, roleOf(r.span!), 0));
    // Rollback candidate: on targets mv was deployed to but does not serve now.
    const servingNow = new Set(this.liveOut(mv).map((r) => r.end));
    for (const t of new Set(this.out(mv, 'DEPLOYED_TO').map((r) => r.end))) {
      if (servingNow.has(t)) continue;
      const history = this.in(t, 'DEPLOYED_TO');
      const liveModels = new Set(history.filter((r) => r.span!.to === null).map((r) => r.start));
      let best: GRel | null = null;
      for (const r of history) {
        if (r.span!.to === null || liveModels.has(r.start)) continue;
        const rank = (x: GRel) => [x.span!.to!, x.span!.from, x.span!.deploymentId];
        if (!best || cmpTuple(rank(r), rank(best)) > 0) best = r;
      }
      if (best && best.start === mv) add(targets, impact(t, mv, 'ROLLBACK', 0));
    }

    const derived: DerivedModel[] = [];
    const derivedTargets = new Map<string, ImpactTarget>();
    const projects = new Set<string>();
    if (typeof mv.props.projectId === 'string') projects.add(mv.props.projectId);
    for (const { node, path } of this.upstreamOf(mv, 'DERIVED_FROM').values()) {
      if (node.label !== 'ModelVersion') continue;
      const depth = path.length - 1;
      derived.push({ modelVersionId: node.id, depth, path: path.map((n) => n.id) });
      if (typeof node.props.projectId === 'string') projects.add(node.props.projectId);
      for (const r of this.liveOut(node)) add(derivedTargets, impact(r.end, node, roleOf(r.span!), depth));
    }
    const own = [...targets.values()].sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.role, b.role));
    const dts = [...derivedTargets.values()].sort((a, b) => cmp(a.targetId, b.targetId) || cmp(a.modelVersionId, b.modelVersionId) || cmp(a.role, b.role));
    derived.sort((a, b) => a.depth - b.depth || cmp(a.modelVersionId, b.modelVersionId));
    for (const t of [...own, ...dts]) if (t.projectId) projects.add(t.projectId);

    const c1 = cut(own, limit);
    const c2 = cut(derived, limit);
    const c3 = cut(dts, limit);
    const c4 = cut(sortedIds(projects), limit);
    return {
      modelVersionId: mv.id,
      targets: c1.items,
      derivedModels: c2.items,
      derivedTargets: c3.items,
      pendingReleases: this.pendingReleaseSource?.(mv.id) ?? [],
      projectIds: c4.items,
      truncated: c1.cut || c2.cut || c3.cut || c4.cut,
      ...countImpact(own, dts, c4.items),
    };
  }

  async usedBy(datasetVersionIds: readonly string[], limit: number): Promise<(DatasetUsageModel | null)[]> {
    return datasetVersionIds.map((id) => {
      const dv = this.get('DatasetVersion', id);
      if (!dv) return null;
      const versions = [dv, ...[...this.upstreamOf(dv, 'DERIVED_FROM').values()].map((e) => e.node).filter((n) => n.label === 'DatasetVersion')];
      const runs = new Set<GNode>();
      for (const v of versions) for (const r of this.in(v, 'CONSUMED')) runs.add(r.start);
      const models = new Set<GNode>();
      for (const run of runs) {
        for (const p of this.out(run, 'PRODUCED')) {
          models.add(p.end);
          for (const e of this.upstreamOf(p.end, 'DERIVED_FROM').values()) if (e.node.label === 'ModelVersion') models.add(e.node);
        }
      }
      const targets = new Set<string>();
      for (const m of models) for (const r of this.liveOut(m)) targets.add(r.end.id);
      const c1 = cut(sortedIds([...runs].map((r) => r.id)), limit);
      const c2 = cut(sortedIds([...models].map((m) => m.id)), limit);
      const c3 = cut(sortedIds(targets), limit);
      return { datasetVersionId: dv.id, runIds: c1.items, modelVersionIds: c2.items, targetIds: c3.items, truncated: c1.cut || c2.cut || c3.cut };
    });
  }

  async node(id: string): Promise<LineageNode | null> {
    const n = this.anyNode(id);
    return n ? this.lineageNode(n) : null;
  }

  async expand(ids: readonly string[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Promise<Expansion> {
    const down = direction === 'DOWNSTREAM';
    const asOut = down ? DOWNSTREAM_OUT : DOWNSTREAM_IN;
    const asIn = down ? DOWNSTREAM_IN : DOWNSTREAM_OUT;
    const picked = new Map<string, GRel>();
    for (const id of new Set(ids)) {
      const n = this.anyNode(id);
      if (!n) continue;
      for (const r of this.outIdx.get(n) ?? []) if (asOut.has(r.type)) picked.set(r.key, r);
      for (const r of this.inIdx.get(n) ?? []) if (asIn.has(r.type)) picked.set(r.key, r);
    }
    const rels = [...picked.values()]
      .filter((r) => r.type !== 'DEPLOYED_TO' || liveAt(r.span!, at))
      .sort(
        (a, b) =>
          cmp(a.start.id, b.start.id) ||
          cmp(a.type, b.type) ||
          cmp(a.end.id, b.end.id) ||
          cmp(a.span?.from ?? '', b.span?.from ?? '') ||
          cmp(a.span?.deploymentId ?? '', b.span?.deploymentId ?? ''),
      );
    const kept = cut(rels, limit).items;
    const edges: LineageEdge[] = kept.map((r) =>
      r.span ? { from: r.start.id, to: r.end.id, type: r.type, since: r.span.from, until: r.span.to } : { from: r.start.id, to: r.end.id, type: r.type },
    );
    const asked = new Set(ids);
    const neighbours = new Map<string, GNode>();
    for (const r of kept) for (const n of [r.start, r.end]) if (!asked.has(n.id)) neighbours.set(n.id, n);
    const nodes = [...neighbours.values()].sort((a, b) => cmp(a.id, b.id)).map((n) => this.lineageNode(n));
    return { nodes, edges };
  }

  async lineageMany(rootIds: readonly string[], options: LineageOptions): Promise<LineageGraphModel[]> {
    return walkLineage(rootIds, options, {
      nodes: async (ids) => ids.map((id) => {
        const n = this.anyNode(id);
        return n ? this.lineageNode(n) : null;
      }),
      expand: (groups, direction, at, limit) => Promise.all(groups.map((g) => this.expand(g, direction, at, limit))),
    });
  }

  /* ---------- fleet questions ---------- */

  async targetsNotOn(modelName: string, minVersion: number, projectId: string | null, page: PageRequest) {
    const rows = this.targetNodes(projectId)
      .filter(
        (t) =>
          !this.in(t, 'DEPLOYED_TO').some(
            (r) => r.span!.to === null && r.start.props.name === modelName && typeof r.start.props.version === 'number' && r.start.props.version >= minVersion,
          ),
      )
      .map((t) => this.targetModel(t)!);
    return pageOf(rows, page);
  }

  async targetCountsByDataset(projectId: string | null, page: PageRequest) {
    const targetsByDv = new Map<string, Set<string>>();
    for (const t of this.nodes.get('ReleaseTarget')!.values()) {
      if (projectId !== null && t.props.projectId !== projectId) continue;
      for (const d of this.in(t, 'DEPLOYED_TO')) {
        if (d.span!.to !== null) continue;
        for (const p of this.in(d.start, 'PRODUCED')) {
          for (const c of this.out(p.start, 'CONSUMED')) {
            let set = targetsByDv.get(c.end.id);
            if (!set) targetsByDv.set(c.end.id, (set = new Set()));
            set.add(t.id);
          }
        }
      }
    }
    const rows: TargetDatasetCount[] = [...targetsByDv]
      .map(([datasetVersionId, ts]) => ({ datasetVersionId, targets: ts.size }))
      .sort((a, b) => b.targets - a.targets || cmp(a.datasetVersionId, b.datasetVersionId));
    return pageOf(rows, page);
  }

  async targetsTrainedOnDataBefore(before: string, projectId: string | null, page: PageRequest) {
    const rows = this.targetNodes(projectId)
      .filter((t) => {
        let newest: string | null = null;
        for (const d of this.in(t, 'DEPLOYED_TO')) {
          if (d.span!.to !== null) continue;
          for (const p of this.in(d.start, 'PRODUCED')) {
            for (const c of this.out(p.start, 'CONSUMED')) {
              const at = c.end.props.createdAt;
              if (typeof at === 'string' && (newest === null || at > newest)) newest = at;
            }
          }
        }
        return newest !== null && newest < before;
      })
      .map((t) => this.targetModel(t)!);
    return pageOf(rows, page);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
