'use client';
/**
 * useQuery that waits for the browser: paused while rendering on the server and during
 * hydration, so the first paint is the loading state and the request carries the session cookie.
 */
import { useSyncExternalStore } from 'react';
import { useQuery, type AnyVariables, type UseQueryArgs } from '@urql/next';

const subscribe = () => () => {};
export function useIsClient(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

export function useGql<Data = unknown, Variables extends AnyVariables = AnyVariables>(args: UseQueryArgs<Variables, Data>) {
  const isClient = useIsClient();
  return useQuery<Data, Variables>({ ...args, pause: !isClient || args.pause } as UseQueryArgs<Variables, Data>);
}
