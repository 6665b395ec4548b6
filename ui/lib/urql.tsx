'use client';
/**
 * The urql client. The browser talks only to this Next app: `/graphql` is a route handler that
 * forwards to the gateway and adds the Authorization header from the session cookie, so no CORS
 * and no token in JavaScript. Data is fetched in the browser (queries pause during server
 * rendering; pages render their loading state first).
 */
import { useMemo, type ReactNode } from 'react';
import { cacheExchange, createClient, fetchExchange, ssrExchange, UrqlProvider } from '@urql/next';

export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [client, ssr] = useMemo(() => {
    const ssr = ssrExchange({ isClient: typeof window !== 'undefined' });
    const client = createClient({
      url: '/graphql',
      exchanges: [cacheExchange, ssr, fetchExchange],
      // POST: the gateway's CSRF protection refuses simple GET requests.
      preferGetMethod: false,
      suspense: false,
      requestPolicy: 'cache-and-network',
      fetchOptions: { credentials: 'same-origin' },
    });
    return [client, ssr] as const;
  }, []);
  return (
    <UrqlProvider client={client} ssr={ssr}>
      {children}
    </UrqlProvider>
  );
}
