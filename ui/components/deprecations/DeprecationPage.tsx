'use client';
/**
 * A deprecation: the impact frozen at announcement beside what is still left now (live from the
 * graph), a replacement wave per project (a normal release: gates and approvals apply), and
 * the move to EFFECTIVE once nothing is left and the date has passed.
 */
import Link from 'next/link';
import { useState } from 'react';
import { Pill } from '@/components/common/badges';
import { MutationErrors } from '@/components/common/MutationErrors';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { fmtDate } from '@/lib/format';
import { newKey } from '@/lib/ids';
import { href } from '@/lib/paths';
import { useDeprecationPage, useMakeEffective, useModelDeprecation, useReplacementWave } from '@/lib/queries/deprecations';

function WaveButton({ deprecationId, projectId, left, onDone }: { deprecationId: string; projectId: string; left: number; onDone: () => void }) {
  const [res, wave] = useReplacementWave();
  const payload = res.data?.requestReplacementWave;
  return (
    <div className="stack" data-testid={`wave-${projectId}`}>
      <button
        type="button"
        className="primary"
        disabled={res.fetching || left === 0}
        onClick={async () => {
          await wave({ id: deprecationId, projectId, key: newKey('wave') });
          onDone();
        }}
      >
        {res.fetching ? 'Requesting…' : `Request a replacement wave (${left} target${left === 1 ? '' : 's'})`}
      </button>
      <MutationErrors errors={payload?.errors} error={res.error} />
      {payload?.release ? (
        <p className="notice" role="status" data-testid="wave-result">
          Wave release{' '}
          <Link href={href.release(payload.release.id)} className="mono">
            {payload.release.id}
          </Link>{' '}
          <Pill value={payload.release.status} /> — it needs the usual approvals before rollout.
        </p>
      ) : null}
    </div>
  );
}

export function DeprecationPage({ deprecationId }: { deprecationId: string }) {
  const [res, refetch] = useDeprecationPage(deprecationId);
  const [eff, makeEffective] = useMakeEffective();
  const [, setTick] = useState(0);
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    setTick((t) => t + 1);
  };
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={reload} what="Deprecation" /> : <Loading label="Loading the deprecation…" />;
  const d = res.data.deprecation;
  if (!d) return <Empty>No such deprecation, or none you may see.</Empty>;
  const leftByProject = new Map<string, number>();
  for (const t of d.stillLeft) leftByProject.set(t.target.project.id, (leftByProject.get(t.target.project.id) ?? 0) + 1);
  return (
    <div className="stack" data-testid="deprecation-page">
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd data-testid="deprecation-status">
            <Pill value={d.status} />
          </dd>
        </div>
        <div>
          <dt>Deprecated</dt>
          <dd>
            <Link href={href.model(d.modelVersion.id)} className="mono">
              {d.modelVersion.id}
            </Link>
          </dd>
        </div>
        <div>
          <dt>Replacement</dt>
          <dd>
            <Link href={href.model(d.replacement.id)} className="mono" data-testid="deprecation-replacement">
              {d.replacement.id}
            </Link>
            {d.forced ? <span className="muted small"> (another lineage, forced)</span> : null}
          </dd>
        </div>
        <div>
          <dt>Effective from</dt>
          <dd>{fmtDate(d.effectiveAt)}</dd>
        </div>
        <div>
          <dt>Announced by</dt>
          <dd>
            {d.requestedBy} <span className="muted small">{fmtDate(d.requestedAt)}</span>
          </dd>
        </div>
        <div>
          <dt>Still left</dt>
          <dd data-testid="still-left-count">{d.stillLeft.length}</dd>
        </div>
      </dl>
      <p className="small">{d.reason}</p>
      <div className="grid two">
        <div className="card">
          <h3>
            Frozen at announcement <span className="muted">({d.snapshot.targets.length} targets)</span>
          </h3>
          <p className="muted small">
            {d.snapshot.derivedModels.length} derived model(s), {d.snapshot.derivedTargets.length} target(s) serving them, {d.snapshot.pendingReleases.length} pending release(s).
          </p>
          <ul className="small node-list" data-testid="frozen-targets">
            {d.snapshot.targets.map((t) => (
              <li key={`${t.target.id}-${t.role}`}>
                <Link href={href.target(t.target.id)}>{t.target.id}</Link> <Pill value={t.role} />
              </li>
            ))}
          </ul>
          <h3>Projects notified</h3>
          <ul className="small">
            {d.snapshot.projects.map((p) => (
              <li key={p.project.id}>
                <Link href={href.project(p.project.id)}>{p.project.name}</Link> — {p.targetIds.length} target(s); owners {p.owners.join(', ') || 'none'}
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <h3>
            Still left now <span className="muted">({d.stillLeft.length})</span>
          </h3>
          {d.stillLeft.length === 0 ? (
            <p className="muted small" data-testid="still-left-empty">
              Nothing serves it or can roll back to it without having moved to the replacement.
            </p>
          ) : (
            <ul className="small node-list" data-testid="still-left">
              {d.stillLeft.map((t) => (
                <li key={`${t.target.id}-${t.role}`}>
                  <Link href={href.target(t.target.id)}>{t.target.id}</Link> <Pill value={t.role} />
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={reload} data-testid="still-left-refresh">
            Refresh
          </button>
        </div>
      </div>
      {d.status === 'WITHDRAWN' ? null : (
        <div className="card stack">
          <h3>Move the targets to the replacement</h3>
          {d.snapshot.projects.map((p) => (
            <div key={p.project.id}>
              <strong>{p.project.name}</strong>
              <WaveButton deprecationId={d.id} projectId={p.project.id} left={leftByProject.get(p.project.id) ?? 0} onDone={reload} />
            </div>
          ))}
        </div>
      )}
      {d.status === 'ANNOUNCED' ? (
        <div className="row">
          <button
            type="button"
            disabled={eff.fetching || d.stillLeft.length > 0}
            data-testid="make-effective"
            onClick={async () => {
              await makeEffective({ id: d.id, key: newKey('effective') });
              reload();
            }}
          >
            Make effective
          </button>
          <MutationErrors errors={eff.data?.makeDeprecationEffective.errors} error={eff.error} />
        </div>
      ) : null}
      <p className="small">
        <Link href={href.auditRelease(d.id)}>Audit trail</Link>
      </p>
    </div>
  );
}

/** A badge on a model version with an ANNOUNCED or EFFECTIVE deprecation, linking to it. */
export function DeprecationBadge({ deprecation }: { deprecation: { id: string; status: string; replacement: { id: string } } | null | undefined }) {
  if (!deprecation) return null;
  return (
    <Link href={href.deprecation(deprecation.id)} className="badge tone-bad" data-testid="deprecation-badge" title={`Replaced by ${deprecation.replacement.id}`}>
      Deprecated ({deprecation.status.toLowerCase()}) → {deprecation.replacement.id}
    </Link>
  );
}

/** The badge of one model version, loaded on its own (the model page stays one query). */
export function ModelDeprecationBadge({ modelVersionId }: { modelVersionId: string }) {
  const [res] = useModelDeprecation(modelVersionId);
  return <DeprecationBadge deprecation={res.data?.modelVersion?.deprecation} />;
}
