/** The built-in monitoring platform: deterministic health and series over the plant scenario. */
import { groupBy, healthOf, pageOf, seriesValue, type PageRequest } from '@mlops/kit';
import type { Deployment, Scenario } from '@mlops/kit/scenario';
import { inScope, scopeSet } from '../scope.ts';
import { worstHealth } from './health-status.ts';
import type { AlertFilterInput, AlertModel, HealthModel, MonitoringConnector, SeriesMetricName } from './types.ts';

export class BuiltinMonitoringConnector implements MonitoringConnector {
  readonly platform = 'monitoring';
  private readonly anchor: string;
  private readonly deployments: Map<string, Deployment>;
  private readonly servingByTarget = new Map<string, Deployment>();
  private readonly servingByModel = new Map<string, Deployment[]>();
  private readonly alerts: AlertModel[];
  private readonly byDeployment: Map<string, AlertModel[]>;
  private readonly byTarget: Map<string, AlertModel[]>;
  private readonly projectOfTarget: Map<string, string>;
  private readonly projectOfModel: Map<string, string>;

  constructor(scenario: Scenario) {
    this.anchor = scenario.options.anchor;
    this.deployments = scenario.index.deployment;
    // Every series and alert is labelled with its target's project (as a Prometheus `project` label would be).
    this.projectOfTarget = new Map(scenario.targets.map((t) => [t.id, t.projectId]));
    this.projectOfModel = new Map(scenario.modelVersions.map((m) => [m.id, m.projectId]));
    for (const d of scenario.deployments) {
      if (d.until !== null) continue;
      const cur = this.servingByTarget.get(d.targetId);
      if (!cur || d.trafficPercent > cur.trafficPercent) this.servingByTarget.set(d.targetId, d);
      const list = this.servingByModel.get(d.modelVersionId) ?? [];
      list.push(d);
      this.servingByModel.set(d.modelVersionId, list);
    }
    this.alerts = scenario.alerts
      .map((a) => ({ ...a, projectId: this.projectOfTarget.get(a.targetId) ?? null }))
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id));
    // Indexed once: every batch of health and alert lookups is then a map read per key.
    this.byDeployment = groupBy(this.alerts, (a) => a.deploymentId);
    this.byTarget = groupBy(this.alerts, (a) => a.targetId);
  }

  async now() {
    return this.anchor;
  }

  /**
   * Health by deployment id. The simulated platform is read-only and its clock fixed, so a
   * deployment's health never changes; computing it (four hashed keys) was a fifth of the
   * monitoring subgraph's CPU under the flagship load. Bounded by the scenario's deployments;
   * frozen, because every answer shares it.
   */
  private readonly healthCache = new Map<string, Readonly<HealthModel>>();

  private health(d: Deployment | undefined): HealthModel | null {
    if (!d) return null;
    let cached = this.healthCache.get(d.id);
    if (!cached) {
      const { deploymentId: _id, ...h } = healthOf(d, this.anchor);
      cached = Object.freeze({ projectId: this.projectOfTarget.get(d.targetId) ?? null, ...h });
      this.healthCache.set(d.id, cached);
    }
    return cached;
  }

  async healthOfDeployments(ids: readonly string[]) {
    return ids.map((id) => this.health(this.deployments.get(id)));
  }

  async healthOfTargets(ids: readonly string[]) {
    return ids.map((id) => this.health(this.servingByTarget.get(id)));
  }

  async healthOfModelVersions(ids: readonly string[]) {
    return ids.map((id) => {
      const worst = worstHealth((this.servingByModel.get(id) ?? []).map((d) => this.health(d)!));
      // The model version's health belongs to the model version's project, whichever target is worst.
      return worst && { ...worst, projectId: this.projectOfModel.get(id) ?? worst.projectId };
    });
  }

  async series(deploymentId: string, metric: SeriesMetricName, fromIso: string, toIso: string, stepSeconds: number) {
    const d = this.deployments.get(deploymentId);
    if (!d) return null;
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    const start = Math.max(from, Date.parse(d.since));
    const end = Math.min(to, d.until ? Date.parse(d.until) : Date.parse(this.anchor));
    const points: { at: string; value: number }[] = [];
    for (let t = start; t <= end; t += stepSeconds * 1000) {
      points.push({ at: new Date(t).toISOString(), value: seriesValue(d, metric, t, this.anchor) });
    }
    return { projectId: this.projectOfTarget.get(d.targetId) ?? null, metric, from: fromIso, to: toIso, stepSeconds, points };
  }

  async alertsByDeployments(ids: readonly string[]) {
    return ids.map((id) => this.byDeployment.get(id) ?? []);
  }

  async alertsByTargets(ids: readonly string[]) {
    return ids.map((id) => this.byTarget.get(id) ?? []);
  }

  async listAlerts(f: AlertFilterInput, page: PageRequest) {
    const scope = scopeSet(f.projectIds);
    const rows = this.alerts.filter(
      (a) =>
        inScope(scope, a.projectId) &&
        (!f.severity || a.severity === f.severity) &&
        (f.openOnly === false || a.resolvedAt === null) &&
        (!f.targetId || a.targetId === f.targetId),
    );
    return pageOf(rows, page);
  }

  async projectsOfDeployments(ids: readonly string[]) {
    return ids.map((id) => {
      const d = this.deployments.get(id);
      return d ? (this.projectOfTarget.get(d.targetId) ?? null) : null;
    });
  }

  async projectsOfTargets(ids: readonly string[]) {
    return ids.map((id) => this.projectOfTarget.get(id) ?? null);
  }

  async projectsOfModelVersions(ids: readonly string[]) {
    return ids.map((id) => this.projectOfModel.get(id) ?? null);
  }
}
