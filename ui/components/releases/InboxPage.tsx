'use client';
/**
 * The approval inbox: releases waiting for the caller (approvalInbox), every pending release with
 * why the caller cannot approve it, approved or canary releases ready for the next step, and the
 * deprecations announced in the caller's projects.
 */
import Link from 'next/link';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { DeprecationInbox } from '@/components/deprecations/DeprecationInbox';
import { href } from '@/lib/paths';
import { useInbox } from '@/lib/queries/releases';
import { useMe } from '@/lib/queries/session';
import { ActionResultProvider } from './ActionResult';
import { ReleaseCard } from './ReleaseCard';

export function InboxPage() {
  const [res, refetch] = useInbox();
  const [me] = useMe();
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Inbox" /> : <Loading label="Loading the inbox…" />;
  const d = res.data;
  // approvalInbox and the pending list overlap; split by what the gateway says the caller may do.
  const all = [...d.approvalInbox.nodes, ...d.pending.nodes].filter((n, i, a) => a.findIndex((x) => x.id === n.id) === i);
  const mine = all.filter((n) => n.approvability.canApprove);
  const others = all.filter((n) => !n.approvability.canApprove);
  const caller = me.data?.me;
  return (
    <ActionResultProvider>
      <div className="stack">
        {res.error ? <PartialWarning error={res.error} /> : null}
        <p className="muted">
          {caller ? (
            <>
              Signed in as <strong>{caller.anonymous ? 'anonymous viewer' : caller.id}</strong>.{' '}
            </>
          ) : null}
          <Link href={href.signIn('/inbox')}>Switch user</Link>
        </p>
        <section aria-labelledby="waiting-h" data-testid="inbox-waiting">
          <h2 id="waiting-h">Waiting for your approval ({mine.length})</h2>
          {mine.length === 0 ? (
            <Empty>Nothing is waiting for you{caller?.anonymous ? ' (sign in as an approver)' : ''}.</Empty>
          ) : (
            <div className="stack">
              {mine.map((r) => (
                <ReleaseCard key={r.id} release={r} />
              ))}
            </div>
          )}
        </section>
        <section aria-labelledby="others-h" className="section" data-testid="inbox-pending">
          <h2 id="others-h">Pending releases you cannot approve ({others.length})</h2>
          <p className="muted small">Each shows why (your own releases need another approver: four-eyes).</p>
          {others.length === 0 ? (
            <Empty>No other release is pending.</Empty>
          ) : (
            <div className="stack">
              {others.map((r) => (
                <ReleaseCard key={r.id} release={r} />
              ))}
            </div>
          )}
        </section>
        <DeprecationInbox />
        <section aria-labelledby="approved-h" className="section" data-testid="inbox-approved">
          <h2 id="approved-h">Approved, ready to roll out ({d.approved.totalCount})</h2>
          {d.approved.nodes.length === 0 ? (
            <Empty>No approved release waits for its rollout.</Empty>
          ) : (
            <div className="stack">
              {d.approved.nodes.map((r) => (
                <ReleaseCard key={r.id} release={r} />
              ))}
            </div>
          )}
        </section>
        <section aria-labelledby="canary-h" className="section" data-testid="inbox-canary">
          <h2 id="canary-h">Canaries running ({d.canary.totalCount})</h2>
          {d.canary.nodes.length === 0 ? (
            <Empty>No canary is running.</Empty>
          ) : (
            <div className="stack">
              {d.canary.nodes.map((r) => (
                <ReleaseCard key={r.id} release={r} />
              ))}
            </div>
          )}
        </section>
      </div>
    </ActionResultProvider>
  );
}
