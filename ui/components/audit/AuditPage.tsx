'use client';
/** Audit view of a release (?release=) or of a target (?target=: every release that named it). */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { ReleaseTable } from '@/components/releases/ReleaseRow';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';
import { useRecentReleases, useTargetAudit } from '@/lib/queries/audit';
import { ReleaseAudit } from './AuditTrail';

function TargetAudit({ targetId }: { targetId: string }) {
  const [res, refetch] = useTargetAudit(targetId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Target" /> : <Loading />;
  const t = res.data.releaseTarget;
  if (!t)
    return (
      <Empty>
        No release target <code>{targetId}</code>.
      </Empty>
    );
  const rels = t.releases?.nodes ?? [];
  return (
    <div className="stack" data-testid="target-audit">
      <p>
        Target <Link href={href.target(t.id)}>{t.id}</Link> ({t.project.name}): {rels.length} release{rels.length === 1 ? '' : 's'} named it; each has its own hash-chained trail.
      </p>
      {rels.length === 0 ? (
        <Empty>No release has named this target, so there is nothing to audit yet.</Empty>
      ) : (
        rels.map((r, i) => (
          <details key={r.id} className="card" open={i === 0}>
            <summary>
              <span className="mono">{r.id}</span> · {r.modelVersion.id} <Pill value={r.status} /> <span className="muted small">{fmtDate(r.requestedAt)}</span>
            </summary>
            <div style={{ marginTop: '0.6rem' }}>
              <ReleaseAudit releaseId={r.id} compact />
            </div>
          </details>
        ))
      )}
    </div>
  );
}

function Recent() {
  const [res] = useRecentReleases();
  if (!res.data) return res.error ? <ErrorState error={res.error} what="Releases" /> : <Loading />;
  return res.data.releases.nodes.length === 0 ? <Empty>No release yet.</Empty> : <ReleaseTable releases={res.data.releases.nodes} caption="Recent releases" />;
}

export function AuditPage() {
  const sp = useSearchParams();
  const router = useRouter();
  const release = sp.get('release');
  const target = sp.get('target');
  const [kind, setKind] = useState<'release' | 'target'>(target ? 'target' : 'release');
  const [id, setId] = useState(release ?? target ?? '');
  const go = (e: FormEvent) => {
    e.preventDefault();
    if (id.trim()) router.push(kind === 'release' ? href.auditRelease(id.trim()) : href.auditTarget(id.trim()));
  };
  return (
    <div className="stack">
      <form className="filters card" onSubmit={go} aria-label="Audit an entity">
        <label>
          Entity
          <select value={kind} onChange={(e) => setKind(e.target.value as 'release' | 'target')}>
            <option value="release">Release</option>
            <option value="target">Release target</option>
          </select>
        </label>
        <label style={{ flex: '1 1 20rem' }}>
          Id
          <input value={id} onChange={(e) => setId(e.target.value)} placeholder={kind === 'release' ? 'rel-…' : 'plant-a/line-3/pump-017'} />
        </label>
        <button type="submit" className="primary">
          Verify
        </button>
      </form>
      {release ? (
        <ReleaseAudit releaseId={release} />
      ) : target ? (
        <TargetAudit targetId={target} />
      ) : (
        <section aria-labelledby="recent-h">
          <h2 id="recent-h">Recent releases</h2>
          <Recent />
        </section>
      )}
    </div>
  );
}
