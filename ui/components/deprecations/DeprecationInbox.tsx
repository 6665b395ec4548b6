'use client';
/**
 * The inbox's "retirements coming": announced deprecations touching the caller's projects, the
 * soonest effective date first, each with the caller's affected targets and the replacement.
 */
import Link from 'next/link';
import { Pager, useCursorPager } from '@/components/common/Pager';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';
import { useDeprecationInbox } from '@/lib/queries/deprecations';

const PAGE = 10;

export function DeprecationInbox() {
  const pager = useCursorPager('deprecation-inbox');
  const [res, refetch] = useDeprecationInbox(PAGE, pager.after);
  const conn = res.data?.deprecationInbox;
  return (
    <section aria-labelledby="deprecations-h" className="section" data-testid="inbox-deprecations">
      <h2 id="deprecations-h">Deprecations announced in your projects ({conn?.totalCount ?? '…'})</h2>
      {!conn ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Deprecations" />
        ) : (
          <Loading label="Loading deprecations…" />
        )
      ) : conn.nodes.length === 0 ? (
        <Empty>No deprecation is announced in your projects.</Empty>
      ) : (
        <>
          <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
            {conn.nodes.map((d) => {
              const targets = d.snapshot.projects.reduce((n, p) => n + p.targetIds.length, 0);
              return (
                <li key={d.id} className="card" data-testid="inbox-deprecation" data-deprecation={d.id}>
                  <p>
                    <Link href={href.deprecation(d.id)} className="mono">
                      {d.modelVersion.id}
                    </Link>{' '}
                    is deprecated in favour of{' '}
                    <Link href={href.model(d.replacement.id)} className="mono">
                      {d.replacement.id}
                    </Link>
                    , effective <strong>{fmtDate(d.effectiveAt)}</strong>.
                  </p>
                  <p className="muted small">
                    {targets} of your target{targets === 1 ? '' : 's'} affected · announced by {d.requestedBy} in {d.project.name} · {d.reason}
                  </p>
                </li>
              );
            })}
          </ul>
          <Pager page={pager.page} hasPrev={pager.hasPrev} hasNext={conn.pageInfo.hasNextPage} onPrev={pager.prev} onNext={() => pager.next(conn.pageInfo.endCursor)} total={conn.totalCount} pageSize={PAGE} label="Deprecations" />
        </>
      )}
    </section>
  );
}
