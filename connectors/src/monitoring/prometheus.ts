/**
 * The monitoring platform over a real Prometheus (2.42, HTTP API v1).
 *
 * What it reads (written by prometheus/backfill.ts for the scenario, or by live exporters):
 * - health: the gauges `mlops_health_{accuracy,drift,latency_p95_ms,error_rate,
 *   evaluated_at_seconds,traffic_percent}`, one query per gauge for a whole batch of ids with a
 *   label regex matcher (`deployment_id=~"a|b|…"`), so a page costs the same number of queries
 *   whatever its size: 5 for deployments and model versions, 6 for targets (plus traffic);
 * - series: `mlops_<metric>` by `query_range`, the start aligned up to a multiple of the step so
 *   the evaluation instants fall on the hourly samples (off the hour an instant finds nothing);
 * - alerts: `/api/v1/alerts`, the alerting rules' firing alerts (prometheus/rules/mlops.rules.yml),
 *   merged with the `AlertHistory` Alertmanager's deliveries fill (alert-history.ts), since
 *   Prometheus forgets an alert once it resolves. What fires now comes from Prometheus alone (it is
 *   the authority, and a delivery may lag); resolved episodes come from the history, with their
 *   `resolvedAt`. An open alert's id is `<alertname>:<deployment id>` (one open episode per rule
 *   and deployment); a resolved one's adds `@<startsAt>`, as one rule can fire on one deployment
 *   many times. Without a history, only open alerts are known. Backfilled samples never fire a
 *   rule, so the scenario's past alerts exist on the built-in platform only.
 * Project scope comes from the `project` label on every series and alert.
 * Every failure is a ConnectorError naming `monitoring`.
 */
import { ConnectorError, pageOf, type PageRequest } from '@mlops/kit';
import { inScope, scopeSet } from '../scope.ts';
import type { AlertHistory } from './alert-history.ts';
import { worstHealth } from './health-status.ts';
import type { AlertFilterInput, AlertModel, HealthModel, MonitoringConnector, SeriesMetricName, SeriesModel } from './types.ts';

export interface PrometheusOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090` (API under /api/v1). */
  url: string;
  /** The instant health is evaluated at (ISO); the server's present by default. */
  at?: string;
  /** How far back an instant query looks for a health evaluation (PromQL duration). */
  lookback?: string;
  timeoutMs?: number;
  /** The HTTP client; tests pass a counting wrapper around the real `fetch`. */
  fetch?: typeof fetch;
  /** Resolved alerts as Alertmanager delivered them; without it only firing alerts are known. */
  alertHistory?: AlertHistory;
}

type Labels = Record<string, string>;
interface VectorSample {
  metric: Labels;
  value: [number, string];
}
interface MatrixSeries {
  metric: Labels;
  values: [number, string][];
}
interface PromAlert {
  labels: Labels;
  annotations: Labels;
  state: 'firing' | 'pending' | 'inactive';
  activeAt: string;
  value: string;
}

const HEALTH = ['accuracy', 'drift', 'latency_p95_ms', 'error_rate', 'evaluated_at_seconds'] as const;
type HealthGauge = (typeof HEALTH)[number] | 'traffic_percent';
type Key = 'deployment_id' | 'target_id' | 'model_version_id';
const METRICS = new Set<string>(['accuracy', 'drift_score', 'latency_p95_ms', 'error_rate']);

/** A string literal for PromQL (double-quoted; backslash and quote escaped). */
const promString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
/** RE2 escaping, so an id is matched literally inside `=~"a|b"`. */
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `key=~"id1|id2|…"` for a batch of ids, each matched literally (Prometheus anchors the regex). */
export function anyOf(key: Key, ids: readonly string[]): string {
  return `${key}=~${promString([...new Set(ids)].map(reEscape).join('|'))}`;
}

export class PrometheusMonitoringConnector implements MonitoringConnector {
  readonly platform = 'monitoring';
  private readonly url: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly lookback: string;
  private readonly at: string | undefined;
  readonly alertHistory: AlertHistory | undefined;

  constructor(o: PrometheusOptions) {
    this.alertHistory = o.alertHistory;
    this.url = o.url.replace(/\/+$/, '');
    this.fetch = o.fetch ?? fetch;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.lookback = o.lookback ?? '1095d';
    this.at = o.at;
  }

  private async api<T>(path: string, form?: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(`${this.url}/api/v1/${path}`, {
        method: form ? 'POST' : 'GET',
        headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : undefined,
        body: form ? new URLSearchParams(form).toString() : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timeout = (e as Error)?.name === 'TimeoutError';
      throw new ConnectorError('monitoring', timeout ? 'TIMEOUT' : 'UNAVAILABLE', `Prometheus ${path}: ${timeout ? 'timed out' : 'unreachable'}`, { cause: e });
    }
    let body: { status?: string; data?: T; errorType?: string; error?: string };
    try {
      body = (await res.json()) as typeof body;
    } catch (e) {
      throw new ConnectorError('monitoring', 'UNAVAILABLE', `Prometheus ${path}: HTTP ${res.status}, not a JSON answer`, { cause: e });
    }
    if (!res.ok || body.status !== 'success' || body.data === undefined) {
      // The API's documented codes: 400 bad parameters, 422 an expression that cannot run, 503 a query timed out or aborted.
      const kind = res.status === 400 || res.status === 422 ? 'BAD_REQUEST' : body.errorType === 'timeout' ? 'TIMEOUT' : 'UNAVAILABLE';
      throw new ConnectorError('monitoring', kind, `Prometheus ${path}: HTTP ${res.status} ${body.errorType ?? ''} ${body.error ?? ''}`.trim());
    }
    return body.data;
  }

  private async instant(query: string): Promise<VectorSample[]> {
    const data = await this.api<{ resultType: string; result: VectorSample[] }>('query', { query, ...(this.at ? { time: this.at } : {}) });
    return data.resultType === 'vector' ? data.result : [];
  }

  /** The newest evaluation of one health gauge for the series matching `selector`. */
  private gauge(name: HealthGauge, selector: string): Promise<VectorSample[]> {
    return this.instant(`last_over_time(mlops_health_${name}{${selector}}[${this.lookback}])`);
  }

  /** Health per deployment for every deployment matching the selector: 5 queries, in parallel. */
  private async healthBy(selector: string): Promise<Map<string, { labels: Labels; health: HealthModel }>> {
    const results = await Promise.all(HEALTH.map((g) => this.gauge(g, selector)));
    const out = new Map<string, { labels: Labels; health: HealthModel }>();
    results.forEach((rows, i) => {
      for (const r of rows) {
        const id = r.metric.deployment_id;
        if (!id) continue;
        let e = out.get(id);
        if (!e) {
          e = { labels: r.metric, health: { projectId: r.metric.project || null, accuracy: null, drift: null, latencyP95Ms: null, errorRate: null, evaluatedAt: null } };
          out.set(id, e);
        }
        const v = Number(r.value[1]);
        const h = e.health;
        switch (HEALTH[i]) {
          case 'accuracy': h.accuracy = v; break;
          case 'drift': h.drift = v; break;
          case 'latency_p95_ms': h.latencyP95Ms = v; break;
          case 'error_rate': h.errorRate = v; break;
          case 'evaluated_at_seconds': h.evaluatedAt = new Date(Math.round(v * 1000)).toISOString(); break;
        }
      }
    });
    return out;
  }

  async now(): Promise<string> {
    const rows = await this.instant(`max(last_over_time(mlops_health_evaluated_at_seconds[${this.lookback}]))`);
    const v = rows[0] ? Number(rows[0].value[1]) : NaN;
    return Number.isFinite(v) ? new Date(Math.round(v * 1000)).toISOString() : new Date().toISOString();
  }

  async healthOfDeployments(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const by = await this.healthBy(anyOf('deployment_id', ids));
    return ids.map((id) => by.get(id)?.health ?? null);
  }

  async healthOfTargets(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const sel = `${anyOf('target_id', ids)},serving="true"`;
    const [by, traffic] = await Promise.all([this.healthBy(sel), this.gauge('traffic_percent', sel)]);
    // The deployment carrying most of the target's traffic now (ties: the first id, as the built-in).
    const best = new Map<string, { id: string; pct: number }>();
    for (const r of [...traffic].sort((a, b) => cmp(a.metric.deployment_id ?? '', b.metric.deployment_id ?? ''))) {
      const t = r.metric.target_id;
      const pct = Number(r.value[1]);
      if (!t || !r.metric.deployment_id) continue;
      const cur = best.get(t);
      if (!cur || pct > cur.pct) best.set(t, { id: r.metric.deployment_id, pct });
    }
    return ids.map((id) => {
      const b = best.get(id);
      return (b && by.get(b.id)?.health) ?? null;
    });
  }

  async healthOfModelVersions(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const by = await this.healthBy(`${anyOf('model_version_id', ids)},serving="true"`);
    const grouped = new Map<string, HealthModel[]>();
    for (const { labels, health } of by.values()) {
      const mv = labels.model_version_id;
      if (mv) grouped.set(mv, [...(grouped.get(mv) ?? []), health]);
    }
    return ids.map((id) => worstHealth(grouped.get(id) ?? []));
  }

  async series(deploymentId: string, metric: SeriesMetricName, fromIso: string, toIso: string, stepSeconds: number): Promise<SeriesModel | null> {
    if (!METRICS.has(metric)) throw new ConnectorError('monitoring', 'BAD_REQUEST', `unknown metric ${metric}`);
    const from = Date.parse(fromIso);
    const to = Date.parse(toIso);
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(stepSeconds > 0)) throw new ConnectorError('monitoring', 'BAD_REQUEST', 'series needs a from, a to and a positive step');
    const stepMs = stepSeconds * 1000;
    const start = Math.ceil(from / stepMs) * stepMs;
    const sel = `deployment_id=${promString(deploymentId)}`;
    const [data, known] = await Promise.all([
      start <= to
        ? this.api<{ result: MatrixSeries[] }>('query_range', { query: `mlops_${metric}{${sel}}`, start: String(start / 1000), end: String(to / 1000), step: String(stepSeconds) })
        : Promise.resolve({ result: [] as MatrixSeries[] }),
      this.gauge('evaluated_at_seconds', sel),
    ]);
    const s = data.result[0];
    if (!s && known.length === 0) return null;
    const project = s?.metric.project ?? known[0]?.metric.project ?? null;
    return {
      projectId: project || null,
      metric,
      from: fromIso,
      to: toIso,
      stepSeconds,
      points: (s?.values ?? []).map(([t, v]) => ({ at: new Date(Math.round(t * 1000)).toISOString(), value: Number(v) })),
    };
  }

  /** The firing alerts, then the resolved ones the history holds; newest first (the built-in's order). */
  private async firing(): Promise<AlertModel[]> {
    const [data, history] = await Promise.all([this.api<{ alerts: PromAlert[] }>('alerts'), this.alertHistory?.all() ?? []]);
    const resolved: AlertModel[] = [];
    for (const t of history) {
      if (t.status !== 'resolved') continue;
      resolved.push({
        id: `${t.alertname}:${t.deploymentId}@${t.startsAt}`,
        projectId: t.projectId,
        deploymentId: t.deploymentId,
        targetId: t.targetId,
        severity: t.severity,
        metric: t.metric,
        message: t.message,
        openedAt: t.startsAt,
        resolvedAt: t.endsAt ?? t.receivedAt,
      });
    }
    const open = data.alerts
      .filter((a) => a.state === 'firing' && a.labels.deployment_id && a.labels.target_id)
      .map((a) => ({
        id: `${a.labels.alertname}:${a.labels.deployment_id}`,
        projectId: a.labels.project || null,
        deploymentId: a.labels.deployment_id!,
        targetId: a.labels.target_id!,
        severity: a.labels.severity === 'critical' ? ('CRITICAL' as const) : ('WARNING' as const),
        metric: a.labels.metric ?? a.labels.alertname ?? '',
        message: a.annotations.summary ?? a.labels.alertname ?? '',
        openedAt: new Date(Date.parse(a.activeAt)).toISOString(),
        resolvedAt: null,
      }));
    return [...open, ...resolved].sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id));
  }

  async alertsByDeployments(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const all = await this.firing();
    return ids.map((id) => all.filter((a) => a.deploymentId === id));
  }

  async alertsByTargets(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const all = await this.firing();
    return ids.map((id) => all.filter((a) => a.targetId === id));
  }

  async listAlerts(f: AlertFilterInput, page: PageRequest) {
    const scope = scopeSet(f.projectIds);
    const rows = (await this.firing()).filter(
      (a) =>
        inScope(scope, a.projectId) &&
        (f.openOnly === false || a.resolvedAt === null) &&
        (!f.severity || a.severity === f.severity) &&
        (!f.targetId || a.targetId === f.targetId),
    );
    return pageOf(rows, page);
  }

  private async projectsBy(key: Key, ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.instant(`group by (${key}, project) (last_over_time(mlops_health_evaluated_at_seconds{${anyOf(key, ids)}}[${this.lookback}]))`);
    const m = new Map(rows.map((r) => [r.metric[key], r.metric.project || null]));
    return ids.map((id) => m.get(id) ?? null);
  }

  projectsOfDeployments(ids: readonly string[]) {
    return this.projectsBy('deployment_id', ids);
  }

  projectsOfTargets(ids: readonly string[]) {
    return this.projectsBy('target_id', ids);
  }

  /** Only model versions that were ever deployed have series, so only they have a project here. */
  projectsOfModelVersions(ids: readonly string[]) {
    return this.projectsBy('model_version_id', ids);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
