/**
 * The lineage store: the graph of projects, release targets, datasets, runs and model
 * versions. Two implementations answer this interface: Neo4j (the real one) and an in-memory
 * graph for machines without Java; one contract suite (contract.test.ts) runs against both.
 *
 * Graph shape (direction matters), as in ARCHITECTURE.md:
 *   (TrainingRun)-[:CONSUMED]->(DatasetVersion)   (TrainingRun)-[:PRODUCED]->(ModelVersion)
 *   (DatasetVersion)-[:DERIVED_FROM]->(DatasetVersion)   (ModelVersion)-[:DERIVED_FROM]->(ModelVersion)
 *   (ModelVersion)-[:DEPLOYED_TO {deploymentId, from, to, trafficPercent, state}]->(ReleaseTarget)
 *   (ReleaseTarget)-[:IN_PROJECT]->(Project)   (DatasetVersion)-[:VERSION_OF]->(Dataset)
 */
import type { Page, PageRequest } from '@mlops/kit';

export type Platform = 'training' | 'catalog' | 'inference' | 'lineage';
export const PLATFORMS: readonly Platform[] = ['training', 'catalog', 'inference', 'lineage'];

export interface ProjectModel {
  id: string;
  name: string;
  description: string | null;
  plant: string;
  owners: string[];
}

export interface ReleaseTargetModel {
  id: string;
  name: string;
  projectId: string;
  plant: string;
  line: string;
  environment: string;
}

export interface ReleaseTargetFilterInput {
  /** Only targets of these projects (the caller's visible projects); null or absent: any. */
  projectIds?: string[] | null;
  line?: string | null;
  plant?: string | null;
  search?: string | null;
}

/* ---------- what the sync and the push endpoint write ---------- */

export interface DatasetRecord {
  id: string;
  name: string;
  kind: string;
  owner: string;
}

export interface DatasetVersionRecord {
  id: string;
  datasetId: string;
  version: number;
  uri: string;
  owner: string;
  createdAt: string;
  /** Upstream dataset version ids. */
  derivedFrom: string[];
}

export interface RunRecord {
  id: string;
  experiment: string;
  startTime: string;
  /** Dataset version ids consumed. */
  inputs: string[];
}

export interface ModelVersionRecord {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  runId: string | null;
  /** Project the registry tags the version with (null: unknown). */
  projectId: string | null;
  derivedFrom: string | null;
}

export interface DeploymentRecord {
  id: string;
  targetId: string;
  modelVersionId: string;
  from: string;
  to: string | null;
  trafficPercent: number;
  state: string;
}

/**
 * One idempotent write. Every node written records `source` (the platform) and `syncedAt`.
 * Referenced nodes that are not in the batch are created as bare keys (MERGE), so events may
 * arrive in any order; a later batch fills their properties.
 */
export interface GraphBatch {
  source: Platform;
  syncedAt: string;
  projects?: ProjectModel[];
  targets?: ReleaseTargetModel[];
  datasets?: DatasetRecord[];
  datasetVersions?: DatasetVersionRecord[];
  runs?: RunRecord[];
  modelVersions?: ModelVersionRecord[];
  deployments?: DeploymentRecord[];
}

export interface Freshness {
  platform: Platform;
  /** The newest change seen from the platform (the next sync asks from here). */
  watermark: string | null;
  lastSyncAt: string | null;
  /** Nodes whose `source` is this platform. */
  nodes: number;
}

export interface GraphCounts {
  nodes: number;
  relationships: number;
}

/* ---------- what the graph answers ---------- */

export interface TrainedOnEntry {
  datasetVersionId: string;
  /** 0: consumed by the run directly; n: n derived-from hops upstream of a consumed version. */
  depth: number;
  /** The run through which the model reached this data. */
  runId: string;
}

export interface DeploymentSpan {
  deploymentId: string;
  modelVersionId: string;
  targetId: string;
  from: string;
  to: string | null;
  trafficPercent: number;
  state: string;
}

export type ReuseKind = 'SAME_VERSION' | 'DERIVED_MODEL' | 'SHARED_DATA';

export interface ReuseEntry {
  kind: ReuseKind;
  /** The model version that reuses (for SAME_VERSION: the root itself). */
  modelVersionId: string;
  /** A target serving that model version now, or null for a reusing model that serves nowhere. */
  targetId: string | null;
  /** Node ids from the root to the reuser, inclusive. */
  path: string[];
}

export type TargetRole = 'SERVING' | 'CANARY' | 'ROLLBACK';

export interface ImpactTarget {
  targetId: string;
  projectId: string;
  modelVersionId: string;
  role: TargetRole;
  /** 0 for the version itself; n for a model derived n hops from it. */
  depth: number;
}

export interface DerivedModel {
  modelVersionId: string;
  depth: number;
  path: string[];
}

export interface PendingRelease {
  releaseId: string;
  status: string;
  targetIds: string[];
}

export interface DeprecationImpactModel {
  modelVersionId: string;
  /** Targets of the version itself: serving, canary, or the version a rollback would restore. */
  targets: ImpactTarget[];
  derivedModels: DerivedModel[];
  /** Targets serving a derived model now. */
  derivedTargets: ImpactTarget[];
  pendingReleases: PendingRelease[];
  /** Project ids touched (sorted): projects of every target above and of derived models. */
  projectIds: string[];
  truncated: boolean;
  /**
   * One entry per id of `projectIds` (same order), counted over everything the lists were cut
   * from, so they stay exact when `truncated` (a fleet base model at 30,000 targets has 6,166
   * targets serving a derived model; its list stops at the limit).
   */
  projectCounts: ProjectImpactCount[];
  /** Distinct targets of either kind that belong to no project yet (bare, not yet described). */
  unassignedTargets: number;
}

/**
 * `targets`: distinct targets of the project the version itself serves, canaries or would roll
 * back to; `derivedModels`: distinct derived models serving one of its targets;
 * `derivedTargets`: distinct targets of the project serving a derived model.
 */
export interface ProjectImpactCount extends ProjectImpactModel {
  /** Distinct targets of the project of either kind (a target can be both). */
  allTargets: number;
}

/**
 * The counts of an impact from its whole (uncut) lists of the version's own targets and of the
 * targets serving a derived model: one entry per project id asked, and the targets of no project.
 */
export function countImpact(own: readonly ImpactTarget[], derived: readonly ImpactTarget[], projectIds: readonly string[]): Pick<DeprecationImpactModel, 'projectCounts' | 'unassignedTargets'> {
  const ids = (ts: readonly ImpactTarget[], p: string | null) => new Set(ts.filter((t) => (t.projectId ?? null) === p).map((t) => t.targetId));
  const projectCounts = projectIds.map((projectId) => {
    const o = ids(own, projectId);
    const d = ids(derived, projectId);
    const models = new Set(derived.filter((t) => t.projectId === projectId).map((t) => t.modelVersionId));
    return { projectId, targets: o.size, derivedModels: models.size, derivedTargets: d.size, allTargets: new Set([...o, ...d]).size };
  });
  return { projectCounts, unassignedTargets: new Set([...ids(own, null), ...ids(derived, null)]).size };
}

export interface ImpactWithRefs {
  impacts: (DeprecationImpactModel | null)[];
  /** The targets named by `impactRefIds(impacts).targetIds` that exist (in no particular order). */
  targets: ReleaseTargetModel[];
  /** The projects named by `impactRefIds(impacts).projectIds` that exist (in no particular order). */
  projects: ProjectModel[];
}

/** The target and project ids the impact answers name (each once, in order of first mention). */
export function impactRefIds(impacts: readonly (DeprecationImpactModel | null)[]): { targetIds: string[]; projectIds: string[] } {
  const targetIds = new Set<string>();
  const projectIds = new Set<string>();
  for (const i of impacts) {
    if (!i) continue;
    for (const t of i.targets) targetIds.add(t.targetId);
    for (const t of i.derivedTargets) targetIds.add(t.targetId);
    for (const r of i.pendingReleases) for (const t of r.targetIds) targetIds.add(t);
    for (const p of i.projectIds) projectIds.add(p);
  }
  return { targetIds: [...targetIds], projectIds: [...projectIds] };
}

export interface DatasetUsageModel {
  datasetVersionId: string;
  /** Runs that consumed this version or a version derived from it. */
  runIds: string[];
  modelVersionIds: string[];
  /** Targets serving (now) a model trained on it. */
  targetIds: string[];
  truncated: boolean;
}

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';
export type LineageNodeType = 'Project' | 'ReleaseTarget' | 'Dataset' | 'DatasetVersion' | 'TrainingRun' | 'ModelVersion';
export const LINEAGE_NODE_TYPES: readonly LineageNodeType[] = ['Project', 'ReleaseTarget', 'Dataset', 'DatasetVersion', 'TrainingRun', 'ModelVersion'];
export type RelType = 'CONSUMED' | 'PRODUCED' | 'DERIVED_FROM' | 'DEPLOYED_TO' | 'IN_PROJECT' | 'VERSION_OF';

export interface LineageNode {
  id: string;
  type: LineageNodeType;
  label: string;
}

export interface LineageEdge {
  /** As stored: start → end, whatever the traversal direction. */
  from: string;
  to: string;
  type: RelType;
  /** DEPLOYED_TO only. */
  since?: string | null;
  until?: string | null;
}

export interface ReuseReportModel {
  entries: ReuseEntry[];
  truncated: boolean;
}

/** The explorer's walk around a root: BOTH is upstream of the root plus downstream of it. */
export interface LineageOptions {
  direction: LineageDirection;
  /** Levels per direction, 1..6. */
  depth: number;
  /** Node types to visit (null: all); the root is always included. */
  types: readonly LineageNodeType[] | null;
  /** DEPLOYED_TO edges live at this instant (null: now). */
  at: string | null;
  maxNodes: number;
}

/** One BFS step: the edges leaving `ids` in the given direction (optionally only those live at `at`). */
export interface Expansion {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface TargetDatasetCount {
  datasetVersionId: string;
  targets: number;
}

export const TARGET_SORT_KEYS = ['id', 'name', 'line', 'plant'] as const;
export type TargetSortKey = (typeof TARGET_SORT_KEYS)[number];

/** A sort key from the allow-list; ties are always broken by id ascending. */
export interface TargetOrder {
  key: TargetSortKey;
  descending: boolean;
}

/**
 * Records a sync pass writes from which the store replans its write statements at the end of
 * the pass (`replanWrites`, sync.ts): below it, the statistics move little.
 */
export const REPLAN_AT = 10_000;

export interface LineageStore {
  readonly kind: 'neo4j' | 'memory';
  /** Applies migrations (Neo4j) / nothing (memory); safe to call at every start. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Liveness of the backing database. */
  ping(): Promise<void>;

  getProjects(ids: readonly string[]): Promise<(ProjectModel | null)[]>;
  /** By name. */
  listProjects(page: PageRequest): Promise<Page<ProjectModel>>;
  getTargets(ids: readonly string[]): Promise<(ReleaseTargetModel | null)[]>;
  /** By `order` (default id ascending), then id; all projects when projectId is null. */
  listTargets(projectId: string | null, filter: ReleaseTargetFilterInput, page: PageRequest, order?: TargetOrder): Promise<Page<ReleaseTargetModel>>;

  /** Idempotent upsert (MERGE on keys); DEPLOYED_TO is keyed by deploymentId. */
  applyBatch(batch: GraphBatch): Promise<void>;
  /**
   * Neo4j: has the database plan every `applyBatch` statement now, with the graph as it is, in a
   * transaction that is rolled back (sync.ts says when and why). A failure is logged, not
   * thrown: it is only a head start. Memory: absent, nothing to plan.
   */
  replanWrites?(): Promise<void>;
  getFreshness(): Promise<Freshness[]>;
  /**
   * Where each platform's feed resumes: `getFreshness` without the node counts, which cost a
   * scan of every node's source and grow with the graph; the sync reads this every pass.
   */
  getWatermarks(): Promise<Map<Platform, string | null>>;
  setWatermark(platform: Platform, watermark: string | null, syncedAt: string): Promise<void>;
  counts(): Promise<GraphCounts>;

  /** Per model version (key order): dataset versions through its run(s), up to `depth` derived-from hops upstream. */
  trainedOn(modelVersionIds: readonly string[], depth: number): Promise<TrainedOnEntry[][]>;
  /** Per model version (key order): DEPLOYED_TO spans live now (at null) or at the instant. */
  deployedTo(modelVersionIds: readonly string[], at: string | null): Promise<DeploymentSpan[][]>;
  /** Per target (key order): spans live now or at the instant. */
  servedAt(targetIds: readonly string[], at: string | null): Promise<DeploymentSpan[][]>;
  /**
   * Per model version (key order): who reuses it, at most `limit` entries each (ordered by
   * kind, then ids); empty for a version not in the graph. One round trip for all of them.
   */
  reusedByMany(modelVersionIds: readonly string[], limit: number): Promise<ReuseReportModel[]>;
  /** `reusedByMany` of one version. */
  reusedBy(modelVersionId: string, limit: number): Promise<ReuseReportModel>;
  /** Per model version (key order); null if not in the graph. One round trip for all of them. */
  deprecationImpactMany(modelVersionIds: readonly string[], limit: number): Promise<(DeprecationImpactModel | null)[]>;
  /** `deprecationImpactMany` of one version. */
  deprecationImpact(modelVersionId: string, limit: number): Promise<DeprecationImpactModel | null>;
  /**
   * `deprecationImpactMany`, plus every release target and project its answers name (those
   * in the graph), read in the same transaction: the resolvers that turn those ids into
   * targets and projects then need no second read.
   */
  deprecationImpactWithRefs(modelVersionIds: readonly string[], limit: number): Promise<ImpactWithRefs>;
  /** Per dataset version (key order); null if not in the graph. */
  usedBy(datasetVersionIds: readonly string[], limit: number): Promise<(DatasetUsageModel | null)[]>;
  /** The node itself, or null. */
  node(id: string): Promise<LineageNode | null>;
  /** One BFS level of the lineage explorer. */
  expand(ids: readonly string[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Promise<Expansion>;
  /**
   * Per root (key order): the explorer's bounded walk (lineage-walk.ts), every root walked in
   * lockstep so each level is one query for all of them, in one transaction.
   */
  lineageMany(rootIds: readonly string[], options: LineageOptions): Promise<LineageGraphModel[]>;

  /** Targets of a project (or all) with no serving version of `modelName` at `minVersion` or above. "Not yet on v3". */
  targetsNotOn(modelName: string, minVersion: number, projectId: string | null, page: PageRequest): Promise<Page<ReleaseTargetModel>>;
  /** Training dataset versions ranked by how many targets serve a model trained on them now. */
  targetCountsByDataset(projectId: string | null, page: PageRequest): Promise<Page<TargetDatasetCount>>;
  /** Targets whose serving model was trained (directly) only on data created before `before`. */
  targetsTrainedOnDataBefore(before: string, projectId: string | null, page: PageRequest): Promise<Page<ReleaseTargetModel>>;
}

/* ---------- resolver parents (codegen mappers) ---------- */

/** A reference to an entity another subgraph owns: only its key. */
export interface EntityRef {
  id: string;
}

export interface ProjectImpactModel {
  projectId: string;
  targets: number;
  derivedModels: number;
  derivedTargets: number;
}

export interface LineageGraphModel {
  root: LineageNode | null;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}
