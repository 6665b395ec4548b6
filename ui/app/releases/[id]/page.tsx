import type { Metadata } from 'next';
import Link from 'next/link';
import { ReleasePage } from '@/components/releases/ReleasePage';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Release ${decodeURIComponent((await params).id)}` };
}

export default async function ReleaseRoute({ params }: Props) {
  const id = decodeURIComponent((await params).id);
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/inbox">Inbox</Link> /
      </p>
      <h1>Release</h1>
      <ReleasePage releaseId={id} />
    </div>
  );
}
