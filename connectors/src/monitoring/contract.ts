/**
 * The MonitoringConnector contract: one vitest suite every implementation runs (the built-in
 * platform in builtin.contract.test.ts, Prometheus after a promtool backfill in
 * prometheus.int.test.ts) over the same scenario slice. Every expectation is computed from the
 * scenario (`healthOf`, `seriesValue`), never from a connector.
 *
 * What differs by design, and how the suite handles it:
 * - Alerts: the built-in platform has the scenario's alert history; Prometheus has only the
 *   alerts its rules fire now, and backfilled samples never fire one. The opener says which
 *   alerts the platform holds (`alerts`), and the suite checks lookups and project scope on those.
 * - Series: Prometheus holds hourly samples (from `seriesFrom` on), so windows start on the
 *   hour at or after it and steps are whole hours; values are compared exactly (the
 *   exposition keeps every digit of a float64).
 * - Model versions never deployed have no series, so Prometheus cannot name their project:
 *   the suite asks only about deployed ones (and an unknown id, null on both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, healthOf, seriesValue } from '@mlops/kit';
import type { Deployment, Scenario } from '@mlops/kit/scenario';
import { worstHealth } from './health-status.ts';
import type { AlertModel, HealthModel, MonitoringConnector } from './types.ts';

export interface OpenedMonitoring {
  connector: MonitoringConnector;
  scenario: Scenario;
  /** The alerts the platform holds for the slice (with their project), newest first. */
  alerts: AlertModel[];
  /** Hourly series exist from this instant on (ISO); the whole history by default. */
  seriesFrom?: string;
  cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** HTTP requests the connector has sent so far: the batching tests then run. */
  requests?: () => number;
  /** Stops the platform: the last test then checks every call fails with a ConnectorError. */
  stopPlatform?: () => Promise<void>;
  openTimeoutMs?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function sample<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

/** The oracle: what the scenario says each lookup answers. */
function oracle(s: Scenario) {
  const anchor = s.options.anchor;
  const projectOfTarget = (t: string) => s.index.target.get(t)?.projectId ?? null;
  const health = (d: Deployment | undefined): HealthModel | null => {
    if (!d) return null;
    const { deploymentId: _d, ...h } = healthOf(d, anchor);
    return { projectId: projectOfTarget(d.targetId), ...h };
  };
  const open = s.deployments.filter((d) => d.until === null);
  const servingOf = (targetId: string) => open.filter((d) => d.targetId === targetId).reduce<Deployment | undefined>((b, d) => (!b || d.trafficPercent > b.trafficPercent ? d : b), undefined);
  const ofModel = (mv: string) => {
    const w = worstHealth(open.filter((d) => d.modelVersionId === mv).map((d) => health(d)!));
    return w && { ...w, projectId: s.index.modelVersion.get(mv)?.projectId ?? w.projectId };
  };
  return { anchor, health, servingOf, ofModel, projectOfTarget };
}

export function describeMonitoringConnectorContract(name: string, open: () => Promise<OpenedMonitoring>, opts: ContractOptions = {}): void {
  describe(`MonitoringConnector contract: ${name}`, () => {
    let o: OpenedMonitoring;
    let c: MonitoringConnector;
    let s: Scenario;
    let or: ReturnType<typeof oracle>;

    beforeAll(async () => {
      o = await open();
      c = o.connector;
      s = o.scenario;
      or = oracle(s);
    }, opts.openTimeoutMs ?? 60_000);
    afterAll(async () => {
      await o?.cleanup();
    });

    it("says the platform's clock is the scenario's now", async () => {
      expect(await c.now()).toBe(s.options.anchor);
    });

    it('health of deployments: every deployment of the slice, retired ones at their end, unknown ids null, in key order', async () => {
      const ids = [...s.deployments.map((d) => d.id), 'no-such/target#1', s.deployments[0]!.id];
      const got = await c.healthOfDeployments(ids);
      expect(got).toEqual(ids.map((id) => or.health(s.index.deployment.get(id))));
      expect(got.filter((h) => h === null)).toHaveLength(1);
      expect(got.some((h) => h && h.evaluatedAt !== s.options.anchor)).toBe(true);
    });

    it('health of targets: the deployment carrying most traffic now (the champion during a canary)', async () => {
      const ids = [...s.targets.map((t) => t.id), 'plant-z/line-1/nothing'];
      const got = await c.healthOfTargets(ids);
      expect(got).toEqual(ids.map((id) => or.health(or.servingOf(id))));
      expect(got.at(-1)).toBeNull();
    });

    it('health of model versions: the worst over its serving deployments; never-served versions null', async () => {
      const ids = [...s.modelVersions.map((m) => m.id), 'nope/1'];
      const got = await c.healthOfModelVersions(ids);
      const want = ids.map((id) => or.ofModel(id));
      expect(got).toEqual(want);
      expect(want.filter((h) => h !== null).length).toBeGreaterThan(s.targets.length / 2);
      expect(want.some((h) => h === null)).toBe(true);
    });

    it('series: hourly and daily windows equal the scenario point by point; an unknown deployment is null', async () => {
      const from0 = o.seriesFrom ? Date.parse(o.seriesFrom) : -Infinity;
      const long = s.deployments.filter((d) => Date.parse(d.until ?? or.anchor) - Math.max(Date.parse(d.since), from0) > 4 * DAY);
      // Serving ones and retired ones: a retired deployment's series ends at its end.
      const cases = [...sample(long.filter((d) => d.until === null), 4), ...sample(long.filter((d) => d.until !== null), 3)];
      expect(cases.length).toBeGreaterThanOrEqual(3);
      expect(cases.some((d) => d.until !== null)).toBe(true);
      for (const d of cases) {
        const end = Date.parse(d.until ?? or.anchor);
        const from = Math.ceil((Math.max(Date.parse(d.since), from0) + 1) / DAY) * DAY;
        for (const [metric, step] of [['drift_score', 3600], ['accuracy', 86_400], ['latency_p95_ms', 7200], ['error_rate', 3600]] as const) {
          const to = Math.min(from + 3 * DAY, end);
          const got = await c.series(d.id, metric, new Date(from).toISOString(), new Date(to).toISOString(), step);
          const want: { at: string; value: number }[] = [];
          for (let t = from; t <= to; t += step * 1000) want.push({ at: new Date(t).toISOString(), value: seriesValue(d, metric, t, or.anchor) });
          expect(want.length).toBeGreaterThan(1);
          expect(got).toEqual({ projectId: or.projectOfTarget(d.targetId), metric, from: new Date(from).toISOString(), to: new Date(to).toISOString(), stepSeconds: step, points: want });
        }
      }
      expect(await c.series('no-such/target#1', 'accuracy', new Date(Date.parse(or.anchor) - DAY).toISOString(), or.anchor, 3600)).toBeNull();
    });

    it('alerts by deployment and target, and the list filtered by project scope, severity and target', async () => {
      const byTarget = new Map<string, AlertModel[]>();
      for (const a of o.alerts) byTarget.set(a.targetId, [...(byTarget.get(a.targetId) ?? []), a]);
      const targetIds = [...s.targets.map((t) => t.id), 'plant-z/line-1/nothing'];
      expect(await c.alertsByTargets(targetIds)).toEqual(targetIds.map((id) => byTarget.get(id) ?? []));
      const depIds = s.deployments.map((d) => d.id);
      expect(await c.alertsByDeployments(depIds)).toEqual(depIds.map((id) => o.alerts.filter((a) => a.deploymentId === id)));
      const page = { first: 1000, after: null };
      expect((await c.listAlerts({}, page)).items).toEqual(o.alerts);
      expect((await c.listAlerts({ projectIds: [] }, page)).items).toEqual([]);
      for (const p of s.projects) {
        expect((await c.listAlerts({ projectIds: [p.id] }, page)).items).toEqual(o.alerts.filter((a) => a.projectId === p.id));
      }
      expect((await c.listAlerts({ severity: 'CRITICAL' }, page)).items).toEqual(o.alerts.filter((a) => a.severity === 'CRITICAL'));
      const t = s.targets[0]!.id;
      expect((await c.listAlerts({ targetId: t }, page)).items).toEqual(o.alerts.filter((a) => a.targetId === t));
    });

    it('projects of deployments, targets and deployed model versions come from the project label', async () => {
      const deps = [...s.deployments.map((d) => d.id), 'x#1'];
      expect(await c.projectsOfDeployments(deps)).toEqual(deps.map((id) => { const d = s.index.deployment.get(id); return d ? or.projectOfTarget(d.targetId) : null; }));
      const targets = [...s.targets.map((t) => t.id), 'x/y/z'];
      expect(await c.projectsOfTargets(targets)).toEqual(targets.map((id) => or.projectOfTarget(id)));
      const deployed = [...new Set(s.deployments.map((d) => d.modelVersionId)), 'nope/1'];
      expect(await c.projectsOfModelVersions(deployed)).toEqual(deployed.map((id) => s.index.modelVersion.get(id)?.projectId ?? null));
    });

    it.runIf(opts.requests)('a page of health costs the same number of platform requests whatever its size', async () => {
      const count = opts.requests!;
      const cost = async (f: () => Promise<unknown>) => { const before = count(); await f(); return count() - before; };
      const t = s.targets.map((x) => x.id);
      const d = s.deployments.map((x) => x.id);
      const m = s.modelVersions.map((x) => x.id);
      const small = [await cost(() => c.healthOfTargets(t.slice(0, 2))), await cost(() => c.healthOfDeployments(d.slice(0, 2))), await cost(() => c.healthOfModelVersions(m.slice(0, 2)))];
      const large = [await cost(() => c.healthOfTargets(t)), await cost(() => c.healthOfDeployments(d)), await cost(() => c.healthOfModelVersions(m))];
      expect(large).toEqual(small);
      expect(small.every((n) => n > 0 && n <= 6)).toBe(true);
      expect(await cost(() => c.healthOfTargets([]))).toBe(0);
    });

    it.runIf(opts.stopPlatform)('every call fails with a ConnectorError naming monitoring once the platform is down', async () => {
      await opts.stopPlatform!();
      const calls: (() => Promise<unknown>)[] = [
        () => c.healthOfTargets([s.targets[0]!.id]),
        () => c.healthOfDeployments([s.deployments[0]!.id]),
        () => c.series(s.deployments[0]!.id, 'accuracy', s.deployments[0]!.since, or.anchor, 3600),
        () => c.listAlerts({}, { first: 10, after: null }),
        () => c.projectsOfTargets([s.targets[0]!.id]),
      ];
      for (const call of calls) {
        const err = await call().then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(ConnectorError);
        expect((err as ConnectorError).platform).toBe('monitoring');
      }
    });
  });
}
