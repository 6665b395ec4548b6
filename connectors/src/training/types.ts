/**
 * The training platform interface (experiment tracking + model registry). Shaped so MLflow
 * can implement it: runs and registered model versions, batch get by ids, paged listing with
 * a backend resume token, and typed ConnectorErrors for platform failures.
 */
import type { Page, PageRequest } from '@mlops/kit';
import type { ProjectScope } from '../scope.ts';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface TrainingRunModel {
  id: string;
  /** The project the run's experiment belongs to; null when the platform cannot say. */
  projectId: string | null;
  experiment: string;
  modelName: string;
  status: RunStatus;
  user: string;
  startTime: string;
  endTime: string | null;
  codeVersion: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  /** Dataset version ids the run logged as inputs. */
  inputs: string[];
}

export interface ModelVersionModel {
  id: string;
  /** The project the registered model belongs to; null when the platform cannot say. */
  projectId: string | null;
  name: string;
  version: number;
  createdAt: string;
  description: string | null;
  aliases: string[];
  tags: Record<string, string>;
  runId: string | null;
  /** Training metrics of the source run, as the registry reports them. */
  metrics: Record<string, number>;
  /** The version this one was fine-tuned from (MLflow: the `derived_from` tag), if any. */
  derivedFrom: string | null;
  /** Last change in the registry; the sync's watermark. */
  updatedAt: string;
}

export interface ModelVersionFilterInput {
  name?: string | null;
  alias?: string | null;
  tag?: { key: string; value: string } | null;
  /** Only versions of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

export interface TrainingRunFilterInput {
  experiment?: string | null;
  modelName?: string | null;
  status?: RunStatus | null;
  /** Only runs of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

export interface TrainingConnector {
  readonly platform: string;
  /** In key order; null for an unknown id. */
  getModelVersions(ids: readonly string[]): Promise<(ModelVersionModel | null)[]>;
  /** In key order; null for an unknown id. */
  getRuns(ids: readonly string[]): Promise<(TrainingRunModel | null)[]>;
  /** Model versions registered from each run, in key order. */
  modelVersionsByRuns(runIds: readonly string[]): Promise<ModelVersionModel[][]>;
  /** Newest first. */
  listModelVersions(filter: ModelVersionFilterInput, page: PageRequest): Promise<Page<ModelVersionModel>>;
  /** Versions changed at or after `since` (all when null), oldest change first: the sync's feed. */
  changedModelVersions(since: string | null, page: PageRequest): Promise<Page<ModelVersionModel>>;
  /** Newest first. */
  listRuns(filter: TrainingRunFilterInput, page: PageRequest): Promise<Page<TrainingRunModel>>;
  /**
   * Marks a version deprecated in the registry: a `deprecated` tag naming the replacement and,
   * with `removeAliases` (the effective date), no aliases left to serve it by. False for an
   * unknown id. Optional: a registry that cannot be written to leaves it out.
   */
  markDeprecated?(id: string, change: { replacementId: string; removeAliases: boolean; at: string }): Promise<boolean>;
}

/** A reference to an entity another subgraph owns: only its key. */
export interface EntityRef {
  id: string;
}
