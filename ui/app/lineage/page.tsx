import type { Metadata } from 'next';
import Link from 'next/link';
import { LineageExplorer } from '@/components/lineage/LineageExplorer';

export const metadata: Metadata = { title: 'Lineage' };

/** The lineage explorer rooted at any node: a dataset version, a run, a target… (?root=<id>). */
export default async function LineageRoute({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const root = typeof sp.root === 'string' ? sp.root : '';
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/search">Search</Link> /
      </p>
      <h1>Lineage</h1>
      {root ? (
        <>
          <p className="muted mono">{root}</p>
          <LineageExplorer rootId={root} />
        </>
      ) : (
        <form method="get" className="card row">
          <label>
            Root node id
            <input name="root" placeholder="features-pump-017@sha256:… or pump-anomaly-pump-017/4" size={50} required />
          </label>
          <button type="submit" className="primary">
            Explore
          </button>
        </form>
      )}
    </div>
  );
}
