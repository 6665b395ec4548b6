'use client';
/** A release with its gates, the diff against what it replaces, approvals and the actions. */
import Link from 'next/link';
import { GateBadge, Pill } from '@/components/common/badges';
import { MetricDeltaTable } from '@/components/common/MetricDeltaTable';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';
import { ReleaseActions } from './ReleaseActions';

export const ReleaseCard_ReleaseFragment = graphql(`
  fragment ReleaseCard_Release on Release {
    id
    status
    strategy
    canaryPercent
    note
    requestedAt
    requestedBy
    requiredApprovals
    gatesPassed
    updatedAt
    project {
      id
      name
    }
    modelVersion {
      id
      version
      metrics {
        key
        value
      }
      run {
        id
        datasets {
          id
        }
      }
    }
    gates {
      gate
      passed
      detail
      targetId
    }
    approvals {
      id
      approver
      decision
      comment
      at
    }
    approvability {
      canApprove
      reason
    }
    override {
      by
      reason
      at
    }
    targets {
      targetId
      status
      updatedAt
      previousModelVersion {
        id
        metrics {
          key
          value
        }
        run {
          id
          datasets {
            id
          }
        }
      }
    }
  }
`);

const MAX_DIFFS = 3;

export function ReleaseCard(props: { release: FragmentType<typeof ReleaseCard_ReleaseFragment>; headingLevel?: 2 | 3 }) {
  const r = getFragmentData(ReleaseCard_ReleaseFragment, props.release);
  const H = props.headingLevel === 2 ? 'h2' : 'h3';
  const approvals = r.approvals.filter((a) => a.decision === 'APPROVE').length;
  // One diff per distinct version being replaced.
  const previous = new Map<string, NonNullable<(typeof r.targets)[number]['previousModelVersion']>>();
  for (const t of r.targets) if (t.previousModelVersion && !previous.has(t.previousModelVersion.id)) previous.set(t.previousModelVersion.id, t.previousModelVersion);
  const newData = new Set((r.modelVersion.run?.datasets ?? []).flatMap((d) => (d ? [d.id] : [])));

  return (
    <article className="card stack" data-testid="release-card" data-release={r.id} data-status={r.status} aria-labelledby={`rel-${r.id}`}>
      <div className="row">
        <H id={`rel-${r.id}`} style={{ margin: 0 }}>
          <Link href={href.release(r.id)} className="mono">
            {r.modelVersion.id}
          </Link>
        </H>
        <Pill value={r.status} />
        <GateBadge passed={r.gatesPassed} />
        {r.override ? (
          <span className="pill tone-warn" data-testid="override-pill" data-by={r.override.by} title={r.override.reason}>
            gates overridden by {r.override.by}
          </span>
        ) : null}
      </div>
      <p className="small muted">
        <span className="mono">{r.id}</span> · {r.project ? <Link href={href.project(r.project.id)}>{r.project.name}</Link> : 'unknown project'} · requested by{' '}
        <strong>{r.requestedBy}</strong> {fmtDate(r.requestedAt)} · {r.strategy === 'CANARY' ? `canary ${r.canaryPercent ?? ''}%` : 'hot swap'} · approvals {approvals}/
        {r.requiredApprovals}
      </p>
      {r.note ? <blockquote className="small">“{r.note}”</blockquote> : null}

      <div>
        <h4 className="small">Targets ({r.targets.length})</h4>
        <ul className="small node-list">
          {r.targets.slice(0, 20).map((t) => (
            <li key={t.targetId}>
              <Link href={href.target(t.targetId)}>{t.targetId}</Link> <Pill value={t.status} />
              {t.previousModelVersion ? <span className="muted"> replaces {t.previousModelVersion.id}</span> : null}
            </li>
          ))}
          {r.targets.length > 20 ? <li className="muted">…and {r.targets.length - 20} more</li> : null}
        </ul>
      </div>

      <div>
        <h4 className="small">Gates</h4>
        <ul className="small" data-testid="release-gates">
          {r.gates.map((g, i) => (
            <li key={`${g.gate}-${g.targetId ?? ''}-${i}`}>
              <GateBadge passed={g.passed} /> <strong>{g.gate}</strong>
              {g.targetId ? <span className="muted"> on {g.targetId}</span> : null} <span className="muted">{g.detail}</span>
            </li>
          ))}
        </ul>
      </div>

      {previous.size > 0 ? (
        <details open={previous.size === 1}>
          <summary className="small">
            <strong>Diff</strong> against what it replaces ({previous.size} version{previous.size > 1 ? 's' : ''})
          </summary>
          {[...previous.values()].slice(0, MAX_DIFFS).map((p) => {
            const oldData = new Set((p.run?.datasets ?? []).flatMap((d) => (d ? [d.id] : [])));
            const added = [...newData].filter((d) => !oldData.has(d));
            const removed = [...oldData].filter((d) => !newData.has(d));
            const keys = [...new Set([...p.metrics.map((m) => m.key), ...r.modelVersion.metrics.map((m) => m.key)])];
            return (
              <div key={p.id} className="stack" style={{ marginTop: '0.5rem' }}>
                <MetricDeltaTable
                  testId="release-diff"
                  visibleCaption
                  caption={`${p.id} → ${r.modelVersion.id}`}
                  beforeLabel="Now"
                  rows={keys.map((k) => {
                    const a = p.metrics.find((m) => m.key === k)?.value;
                    const b = r.modelVersion.metrics.find((m) => m.key === k)?.value;
                    return { key: k, before: a, after: b, delta: a !== undefined && b !== undefined ? b - a : null };
                  })}
                />
                <div className="small">
                  Data:{' '}
                  {added.length + removed.length === 0 ? (
                    <span className="muted">same training data</span>
                  ) : (
                    <>
                      {added.map((d) => (
                        <div key={`+${d}`}>
                          <span className="tone-good-text">+ </span>
                          <span className="mono">{d}</span>
                        </div>
                      ))}
                      {removed.map((d) => (
                        <div key={`-${d}`}>
                          <span className="tone-bad-text">− </span>
                          <span className="mono">{d}</span>
                        </div>
                      ))}
                    </>
                  )}
                </div>
              </div>
            );
          })}
          {previous.size > MAX_DIFFS ? <p className="muted small">…and {previous.size - MAX_DIFFS} more replaced versions.</p> : null}
        </details>
      ) : null}

      {r.approvals.length ? (
        <div>
          <h4 className="small">Decisions</h4>
          <ul className="small" data-testid="release-approvals">
            {r.approvals.map((a) => (
              <li key={a.id}>
                <Pill value={a.decision === 'APPROVE' ? 'COMPLETED' : 'REJECTED'}>{a.decision.toLowerCase()}</Pill> {a.approver} <span className="muted">{fmtDate(a.at)}</span>
                {a.comment ? <span> — “{a.comment}”</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {r.override ? (
        <p className="small" data-testid="override-reason">
          Override by <strong>{r.override.by}</strong> {fmtDate(r.override.at)}: “{r.override.reason}”
        </p>
      ) : null}

      <ReleaseActions
        release={{
          id: r.id,
          status: r.status,
          requestedBy: r.requestedBy,
          projectId: r.project?.id ?? null,
          approvability: r.approvability,
          failedGates: [...new Set(r.gates.filter((g) => !g.passed).map((g) => g.gate))],
          overridden: !!r.override,
        }}
      />
      <p className="small">
        <Link href={href.auditRelease(r.id)}>Audit trail →</Link>
      </p>
    </article>
  );
}
