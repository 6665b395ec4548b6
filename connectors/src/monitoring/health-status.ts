/**
 * Health status thresholds, in one place so every entity (deployment, target, model version)
 * is judged the same way. Drift above 0.33 is the plant's critical limit for retraining.
 */
import type { HealthModel } from './types.ts';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'CRITICAL' | 'UNKNOWN';

export const THRESHOLDS = { criticalDrift: 0.33, degradedDrift: 0.2, criticalErrorRate: 0.05, degradedErrorRate: 0.018, degradedAccuracy: 0.88 } as const;

/** What a status is judged on: the measurements, whoever they belong to. */
export type HealthValues = Omit<HealthModel, 'projectId'>;

export function statusOf(h: HealthValues | null): HealthStatus {
  if (!h || (h.drift === null && h.errorRate === null && h.accuracy === null)) return 'UNKNOWN';
  if ((h.drift ?? 0) > THRESHOLDS.criticalDrift || (h.errorRate ?? 0) > THRESHOLDS.criticalErrorRate) return 'CRITICAL';
  if ((h.drift ?? 0) > THRESHOLDS.degradedDrift || (h.errorRate ?? 0) > THRESHOLDS.degradedErrorRate || (h.accuracy ?? 1) < THRESHOLDS.degradedAccuracy) {
    return 'DEGRADED';
  }
  return 'HEALTHY';
}

const RANK: Record<HealthStatus, number> = { UNKNOWN: 0, HEALTHY: 1, DEGRADED: 2, CRITICAL: 3 };

/** The worst of several healths (highest status, then highest drift); null for none. */
export function worstHealth<H extends HealthValues>(hs: readonly H[]): H | null {
  let worst: H | null = null;
  for (const h of hs) {
    if (!worst || RANK[statusOf(h)] > RANK[statusOf(worst)] || (statusOf(h) === statusOf(worst) && (h.drift ?? 0) > (worst.drift ?? 0))) worst = h;
  }
  return worst;
}
