import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '@/components/common/states';
import { SearchPage } from '@/components/search/SearchPage';
import { graphiqlUrl } from '@/lib/server-env';

export const metadata: Metadata = { title: 'Search' };

export default function SearchRoute() {
  return (
    <div className="page">
      <h1>Search</h1>
      <Suspense fallback={<Loading />}>
        <SearchPage graphiqlUrl={graphiqlUrl()} />
      </Suspense>
    </div>
  );
}
