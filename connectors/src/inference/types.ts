/**
 * The serving platform interface: which model version serves which release target, with
 * what traffic share, since when. Shaped so a KServe-style platform (InferenceServices with
 * canary traffic splits, revisions as history) can implement it; later issues add deploy,
 * promote and rollback here.
 */
import type { Page, PageRequest } from '@mlops/kit';

export type DeploymentState = 'ACTIVE' | 'CANARY' | 'RETIRED' | 'ROLLED_BACK';
export type DeploymentStrategy = 'HOT_SWAP' | 'CANARY' | 'PROMOTION' | 'ROLLBACK';

export interface DeploymentModel {
  id: string;
  targetId: string;
  modelVersionId: string;
  trafficPercent: number;
  state: DeploymentState;
  strategy: DeploymentStrategy;
  since: string;
  until: string | null;
  endpoint: string;
}

export interface DeploymentFilterInput {
  activeOnly?: boolean | null;
  state?: DeploymentState | null;
  modelVersionId?: string | null;
  targetId?: string | null;
}

/** A reference to an entity another subgraph owns: only its key. */
export interface EntityRef {
  id: string;
}

export interface InferenceConnector {
  readonly platform: string;
  getDeployments(ids: readonly string[]): Promise<(DeploymentModel | null)[]>;
  /** Every deployment of each target (history included), newest first, in key order. */
  deploymentsByTargets(targetIds: readonly string[]): Promise<DeploymentModel[][]>;
  /** Every deployment of each model version, newest first, in key order. */
  deploymentsByModelVersions(modelVersionIds: readonly string[]): Promise<DeploymentModel[][]>;
  /** Newest first. */
  listDeployments(filter: DeploymentFilterInput, page: PageRequest): Promise<Page<DeploymentModel>>;
}
