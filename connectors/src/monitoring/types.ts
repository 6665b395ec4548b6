/**
 * The monitoring platform interface: live health, metric series and alerts per deployment.
 * Shaped so Prometheus can implement it (instant queries labelled by deployment, target and
 * model version; range queries with a step; Alertmanager-style alerts).
 */
import type { Page, PageRequest } from '@mlops/kit';
import type { ProjectScope } from '../scope.ts';

export interface HealthModel {
  /** The project of the deployment, target or model version this is the health of; null when unknown. */
  projectId: string | null;
  accuracy: number | null;
  drift: number | null;
  latencyP95Ms: number | null;
  errorRate: number | null;
  evaluatedAt: string | null;
}

export type SeriesMetricName = 'accuracy' | 'drift_score' | 'latency_p95_ms' | 'error_rate';

export interface SeriesModel {
  /** The project of the deployment the series is of; null when unknown. */
  projectId: string | null;
  metric: SeriesMetricName;
  from: string;
  to: string;
  stepSeconds: number;
  points: { at: string; value: number }[];
}

export interface AlertModel {
  id: string;
  /** The project of the alerting deployment's target; null when the platform cannot say. */
  projectId: string | null;
  deploymentId: string;
  targetId: string;
  severity: 'CRITICAL' | 'WARNING';
  metric: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
}

export interface AlertFilterInput {
  severity?: 'CRITICAL' | 'WARNING' | null;
  openOnly?: boolean | null;
  targetId?: string | null;
  /** Only alerts of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

/** A reference to an entity another subgraph owns: only its key. */
export interface EntityRef {
  id: string;
}

export interface MonitoringConnector {
  readonly platform: string;
  /** The platform's clock: the newest instant it has samples for. */
  now(): Promise<string>;
  healthOfDeployments(ids: readonly string[]): Promise<(HealthModel | null)[]>;
  /** Health of the deployment carrying most of each target's traffic now. */
  healthOfTargets(targetIds: readonly string[]): Promise<(HealthModel | null)[]>;
  /** Worst health over each model version's serving deployments. */
  healthOfModelVersions(ids: readonly string[]): Promise<(HealthModel | null)[]>;
  /** Range query; null if the platform has no such deployment. */
  series(deploymentId: string, metric: SeriesMetricName, fromIso: string, toIso: string, stepSeconds: number): Promise<SeriesModel | null>;
  alertsByDeployments(ids: readonly string[]): Promise<AlertModel[][]>;
  alertsByTargets(ids: readonly string[]): Promise<AlertModel[][]>;
  listAlerts(filter: AlertFilterInput, page: PageRequest): Promise<Page<AlertModel>>;
  /** The project of each deployment, target or model version (Prometheus: the `project` label), in key order; null where unknown. */
  projectsOfDeployments(ids: readonly string[]): Promise<(string | null)[]>;
  projectsOfTargets(ids: readonly string[]): Promise<(string | null)[]>;
  projectsOfModelVersions(ids: readonly string[]): Promise<(string | null)[]>;
}
