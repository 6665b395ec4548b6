/**
 * The serving platform interface: which model version serves which release target, with
 * what traffic share, since when. Shaped so a KServe-style platform (InferenceServices with
 * canary traffic splits, revisions as history) can implement it; later issues add deploy,
 * promote and rollback here.
 */
import type { Page, PageRequest } from '@mlops/kit';
import type { ProjectScope } from '../scope.ts';

export type DeploymentState = 'ACTIVE' | 'CANARY' | 'RETIRED' | 'ROLLED_BACK';
export type DeploymentStrategy = 'HOT_SWAP' | 'CANARY' | 'PROMOTION' | 'ROLLBACK';
/** Every strategy: what a platform that declares no `supportedStrategies` (the built-in) can do. */
export const ALL_STRATEGIES: readonly DeploymentStrategy[] = ['HOT_SWAP', 'CANARY', 'PROMOTION', 'ROLLBACK'];

export interface DeploymentModel {
  id: string;
  /** The project of the target it serves; null when the platform cannot say. */
  projectId: string | null;
  targetId: string;
  modelVersionId: string;
  trafficPercent: number;
  state: DeploymentState;
  strategy: DeploymentStrategy;
  since: string;
  until: string | null;
  endpoint: string;
  /** Last change (start, or end when it ended); the sync's watermark. */
  updatedAt: string;
}

/** A release target as the serving platform knows it: one endpoint per machine, with labels. */
export interface TargetModel {
  id: string;
  name: string;
  projectId: string;
  plant: string;
  line: string;
  environment: string;
  updatedAt: string;
}

export interface DeployRequest {
  targetId: string;
  modelVersionId: string;
  /** HOT_SWAP replaces what serves; CANARY adds the version at `trafficPercent` beside the champion. */
  strategy: 'HOT_SWAP' | 'CANARY' | 'PROMOTION' | 'ROLLBACK';
  trafficPercent?: number;
  at?: string;
}

export interface DeploymentFilterInput {
  activeOnly?: boolean | null;
  state?: DeploymentState | null;
  modelVersionId?: string | null;
  targetId?: string | null;
  /** Only deployments on targets of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

/** A reference to an entity another subgraph owns: only its key. */
export interface EntityRef {
  id: string;
}

export interface InferenceConnector {
  readonly platform: string;
  /**
   * The strategies `deploy` accepts on this platform (all four when absent). A platform that
   * cannot split traffic (MLServer) leaves CANARY out and refuses it up front.
   */
  readonly supportedStrategies?: readonly DeploymentStrategy[];
  /**
   * Platforms that keep no history themselves (MLServer) compare the connector's ledger with the
   * server and close what changed behind its back; the lineage sync calls it on every periodic
   * pass so such a change shows without a request. Returns what it found. Absent on the built-in.
   */
  reconcile?(): Promise<readonly unknown[]>;
  getDeployments(ids: readonly string[]): Promise<(DeploymentModel | null)[]>;
  /** Every deployment of each target (history included), newest first, in key order. */
  deploymentsByTargets(targetIds: readonly string[]): Promise<DeploymentModel[][]>;
  /** Every deployment of each model version, newest first, in key order. */
  deploymentsByModelVersions(modelVersionIds: readonly string[]): Promise<DeploymentModel[][]>;
  /** Deployments changed at or after `since` (all when null), oldest change first: the sync's feed. */
  changedDeployments(since: string | null, page: PageRequest): Promise<Page<DeploymentModel>>;
  /** Targets registered or relabelled at or after `since` (all when null), oldest first. */
  changedTargets(since: string | null, page: PageRequest): Promise<Page<TargetModel>>;
  /**
   * Changes what serves a target and returns the target's deployments serving afterwards.
   * Idempotent: deploying what already serves with the same share changes nothing.
   */
  deploy(req: DeployRequest): Promise<DeploymentModel[]>;
  /** Newest first. */
  listDeployments(filter: DeploymentFilterInput, page: PageRequest): Promise<Page<DeploymentModel>>;
  /** The project of each release target, in key order; null where the platform cannot say. */
  projectsOfTargets(targetIds: readonly string[]): Promise<(string | null)[]>;
  /**
   * The project of each model version the platform serves or holds in its model repository,
   * in key order; null where it cannot say.
   */
  projectsOfModelVersions(modelVersionIds: readonly string[]): Promise<(string | null)[]>;
}
