import { describe, expect, it } from 'vitest';
import { getScenario } from './scenario.ts';

describe('plant scenario', () => {
  const s = getScenario();

  it('is deterministic for a seed and differs for another', () => {
    const again = getScenario({ targets: 300, seed: 42, anchor: s.options.anchor });
    expect(again).toBe(s); // memoised
    const other = getScenario({ targets: 300, seed: 7 });
    expect(other.runs[0]!.id).not.toBe(s.runs[0]!.id);
    expect(other.targets.map((t) => t.id)).toEqual(s.targets.map((t) => t.id));
  });

  it('has 3 projects, 300 targets, 3–6 runs and one model version per machine run', () => {
    expect(s.projects).toHaveLength(3);
    expect(s.targets).toHaveLength(300);
    for (const t of s.targets) {
      const own = s.modelVersions.filter((m) => m.targetId === t.id);
      expect(own.length).toBeGreaterThanOrEqual(3);
      expect(own.length).toBeLessThanOrEqual(6);
    }
  });

  it('links every reference: runs → datasets, models → runs, deployments → models and targets', () => {
    for (const r of s.runs) for (const i of r.inputs) expect(s.index.datasetVersion.has(i)).toBe(true);
    for (const m of s.modelVersions) {
      expect(s.index.run.has(m.runId)).toBe(true);
      if (m.derivedFrom) expect(s.index.modelVersion.has(m.derivedFrom)).toBe(true);
    }
    for (const d of s.deployments) {
      expect(s.index.modelVersion.has(d.modelVersionId)).toBe(true);
      expect(s.index.target.has(d.targetId)).toBe(true);
      if (d.until) expect(Date.parse(d.until)).toBeGreaterThanOrEqual(Date.parse(d.since));
    }
    for (const v of s.datasetVersions) for (const u of v.derivedFrom) expect(s.index.datasetVersion.has(u)).toBe(true);
  });

  it('every target is served now with traffic summing to 100', () => {
    for (const t of s.targets) {
      const serving = s.index.deploymentsByTarget.get(t.id)!.filter((d) => d.until === null);
      expect(serving.reduce((a, d) => a + d.trafficPercent, 0), t.id).toBe(100);
    }
  });

  it('contains the reuse cases: fine-tuned base models, single versions serving many targets, canaries, rollbacks, alerts', () => {
    const derived = s.modelVersions.filter((m) => m.derivedFrom?.endsWith('-base/2'));
    expect(derived.length).toBeGreaterThan(10);
    const fleetServing = s.deployments.filter((d) => d.modelVersionId === 'pump-anomaly-fleet/2' && d.until === null);
    expect(new Set(fleetServing.map((d) => d.targetId)).size).toBeGreaterThan(5);
    expect(s.deployments.some((d) => d.state === 'CANARY' && d.until === null && d.trafficPercent === 10)).toBe(true);
    expect(s.deployments.some((d) => d.state === 'ROLLED_BACK')).toBe(true);
    expect(s.deployments.some((d) => d.strategy === 'ROLLBACK')).toBe(true);
    expect(s.alerts.some((a) => a.severity === 'CRITICAL' && a.resolvedAt === null)).toBe(true);
    expect(s.modelVersions.some((m) => m.aliases.includes('candidate'))).toBe(true);
    const sharedData = new Map<string, number>();
    for (const r of s.runs) for (const i of r.inputs) sharedData.set(i, (sharedData.get(i) ?? 0) + 1);
    expect([...sharedData.values()].some((n) => n > 1)).toBe(true);
  });

  it('rejects a size below 3', () => {
    expect(() => getScenario({ targets: 2 })).toThrowError(/targets/);
  });
});
