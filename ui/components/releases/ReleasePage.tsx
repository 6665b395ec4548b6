'use client';
import Link from 'next/link';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { href } from '@/lib/paths';
import { useReleasePage } from '@/lib/queries/releases';
import { ReleaseCard } from './ReleaseCard';

export function ReleasePage({ releaseId }: { releaseId: string }) {
  const [res, refetch] = useReleasePage(releaseId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Release" /> : <Loading label="Loading release…" />;
  if (!res.data.release)
    return (
      <Empty>
        No release <code>{releaseId}</code> visible to you. <Link href={href.inbox()}>Inbox</Link>
      </Empty>
    );
  return (
    <div className="stack">
      {res.error ? <PartialWarning error={res.error} /> : null}
      <ReleaseCard release={res.data.release} headingLevel={2} />
    </div>
  );
}
