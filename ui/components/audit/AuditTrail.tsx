'use client';
/** A release's hash-chained audit trail with the gateway's verification (verifyAuditTrail). */
import Link from 'next/link';
import { Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDate, shortHash } from '@/lib/format';
import { href } from '@/lib/paths';
import { useReleaseAudit } from '@/lib/queries/audit';

export const AuditRow_EventFragment = graphql(`
  fragment AuditRow_Event on AuditEvent {
    id
    seq
    at
    actor
    action
    reason
    before
    after
    hash
    prevHash
  }
`);

export const VerifyBanner_VerificationFragment = graphql(`
  fragment VerifyBanner_Verification on AuditVerification {
    entityId
    valid
    events
    problems {
      eventId
      seq
      problem
    }
  }
`);

export function VerifyBanner(props: { verification: FragmentType<typeof VerifyBanner_VerificationFragment> }) {
  const v = getFragmentData(VerifyBanner_VerificationFragment, props.verification);
  return (
    <div className={`verify ${v.valid ? 'ok' : 'bad'}`} role="status" data-testid="audit-verification" data-valid={v.valid} data-events={v.events}>
      <span aria-hidden="true">{v.valid ? '✓' : '✗'}</span>
      <div>
        {v.valid ? `Hash chain verified: ${v.events} event${v.events === 1 ? '' : 's'}, none edited, deleted or reordered.` : `Hash chain broken: ${v.problems.length} problem(s).`}
        {v.problems.length ? (
          <ul className="small">
            {v.problems.map((p, i) => (
              <li key={i}>
                {p.seq != null ? `#${p.seq} ` : ''}
                {p.problem}
                {p.eventId ? <span className="mono"> ({p.eventId})</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

function parse(s: string | null | undefined): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function Change({ before, after }: { before: string | null | undefined; after: string | null | undefined }) {
  const b = parse(before);
  const a = parse(after);
  if (!a && !b) return <span className="muted">—</span>;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((k) => JSON.stringify(b?.[k]) !== JSON.stringify(a?.[k]));
  return (
    <div>
      {keys.length === 0 ? <span className="muted small">no state change</span> : null}
      {keys.map((k) => (
        <div key={k} className="small">
          <strong>{k}</strong>: <span className="tone-bad-text">{b ? JSON.stringify(b[k] ?? null) : '∅'}</span> → <span className="tone-good-text">{JSON.stringify(a?.[k] ?? null)}</span>
        </div>
      ))}
      <details className="small">
        <summary>raw</summary>
        <div className="diff">before: {before ?? 'null'}</div>
        <div className="diff">after: {after ?? 'null'}</div>
      </details>
    </div>
  );
}

export function AuditEventsTable({ events }: { events: FragmentType<typeof AuditRow_EventFragment>[] }) {
  const rows = events.map((e) => getFragmentData(AuditRow_EventFragment, e));
  return (
    <div className="table-wrap">
      <table className="data" data-testid="audit-events">
        <caption className="sr-only">Audit events, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Reason</th>
            <th scope="col">Change</th>
            <th scope="col">Hash</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td className="num">{e.seq}</td>
              <td className="small">{fmtDate(e.at)}</td>
              <td>{e.actor}</td>
              <td>
                <code className="nowrap">{e.action}</code>
              </td>
              <td className="small">{e.reason ?? <span className="muted">—</span>}</td>
              <td>
                <Change before={e.before} after={e.after} />
              </td>
              <td className="small mono" title={`hash ${e.hash}\nprev ${e.prevHash}`}>
                {shortHash(e.hash)}
                <div className="muted">← {shortHash(e.prevHash)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReleaseAudit({ releaseId, compact = false }: { releaseId: string; compact?: boolean }) {
  const [res, refetch] = useReleaseAudit(releaseId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Audit trail" /> : <Loading label="Verifying the audit trail…" />;
  const r = res.data.release;
  if (!r)
    return (
      <Empty>
        No release <code>{releaseId}</code> visible to you.
      </Empty>
    );
  return (
    <div className="stack" data-testid="release-audit" data-release={r.id}>
      {res.error ? <PartialWarning error={res.error} /> : null}
      {!compact ? (
        <p>
          Release{' '}
          <Link href={href.release(r.id)} className="mono">
            {r.id}
          </Link>{' '}
          of{' '}
          <Link href={href.model(r.modelVersion.id)} className="mono">
            {r.modelVersion.id}
          </Link>{' '}
          <Pill value={r.status} /> requested by {r.requestedBy} {fmtDate(r.requestedAt)}
        </p>
      ) : null}
      <VerifyBanner verification={res.data.verifyAuditTrail} />
      {r.auditTrail.nodes.length === 0 ? <Empty>No audit events.</Empty> : <AuditEventsTable events={r.auditTrail.nodes} />}
    </div>
  );
}
