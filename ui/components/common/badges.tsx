/** Status badges: health, release status, deployment state, gate result. */
import type { ReactNode } from 'react';

const HEALTH_LABEL: Record<string, string> = { HEALTHY: 'Healthy', DEGRADED: 'Degraded', CRITICAL: 'Critical', UNKNOWN: 'Unknown' };

export function HealthBadge({ status, compact = false }: { status: string | null | undefined; compact?: boolean }) {
  const s = status ?? 'UNKNOWN';
  return (
    <span className={`badge health-${s.toLowerCase()}`} title={`Health: ${HEALTH_LABEL[s] ?? s}`} data-health={s}>
      <span className="dot" aria-hidden="true" />
      {compact ? <span className="sr-only">{HEALTH_LABEL[s] ?? s}</span> : (HEALTH_LABEL[s] ?? s)}
    </span>
  );
}

const TONE: Record<string, string> = {
  PENDING_APPROVAL: 'warn',
  ANNOUNCED: 'warn',
  EFFECTIVE: 'bad',
  WITHDRAWN: 'muted',
  APPROVED: 'info',
  ROLLING_OUT: 'info',
  CANARY: 'info',
  COMPLETED: 'good',
  REJECTED: 'bad',
  CANCELLED: 'muted',
  FAILED: 'bad',
  ROLLED_BACK: 'bad',
  ACTIVE: 'good',
  RETIRED: 'muted',
  DEPLOYED: 'good',
  PENDING: 'warn',
  HOT_SWAP: 'muted',
  PROMOTION: 'good',
  ROLLBACK: 'bad',
  SERVING: 'good',
  WARNING: 'warn',
  CRITICAL: 'bad',
};

export function Pill({ value, children }: { value: string; children?: ReactNode }) {
  return (
    <span className={`pill tone-${TONE[value] ?? 'muted'}`} data-value={value}>
      {children ?? value.replace(/_/g, ' ').toLowerCase()}
    </span>
  );
}

export function GateBadge({ passed }: { passed: boolean }) {
  return <span className={`pill tone-${passed ? 'good' : 'bad'}`}>{passed ? '✓ passed' : '✗ failed'}</span>;
}
