'use client';
/** Loading, empty and error states, shared by every page. Errors branch on extensions.code. */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { CombinedError } from '@urql/core';
import { errorCodes, explain } from '@/lib/errors';
import { href } from '@/lib/paths';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, retry, what }: { error: CombinedError; retry?: () => void; what?: string }) {
  const codes = errorCodes(error);
  const code = codes[0] ?? 'INTERNAL_SERVER_ERROR';
  const { title, hint } = explain(code);
  const messages = [...new Set(error.graphQLErrors.map((e) => e.message))];
  return (
    <div className="state state-error" role="alert" data-error-code={code}>
      <strong>
        {what ? `${what}: ` : ''}
        {title}
      </strong>
      {hint ? <p>{hint}</p> : null}
      {messages.length ? (
        <ul className="muted small">
          {messages.slice(0, 3).map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <div className="row">
        {code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? <Link href={href.signIn()}>Sign in</Link> : null}
        {retry ? (
          <button type="button" onClick={retry}>
            Retry
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** A warning strip when part of the answer is missing (an unavailable subgraph). */
export function PartialWarning({ error }: { error: CombinedError | undefined }) {
  if (!error) return null;
  const codes = errorCodes(error);
  const code = codes[0] ?? 'INTERNAL_SERVER_ERROR';
  const { title, hint } = explain(code);
  return (
    <div className="state state-warn" role="status" data-error-code={code}>
      <strong>{title}.</strong> {hint}
    </div>
  );
}

/**
 * Renders loading / error / not-found / content for one query result. Data with only
 * SUBGRAPH_UNAVAILABLE-style errors still renders, with a warning on top.
 */
export function QueryState<T>({
  result,
  what,
  retry,
  isEmpty,
  empty,
  children,
}: {
  result: { data?: T; error?: CombinedError; fetching: boolean };
  what?: string;
  retry?: () => void;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { data, error, fetching } = result;
  if (!data) {
    if (error) return <ErrorState error={error} retry={retry} what={what} />;
    return <Loading label={what ? `Loading ${what.toLowerCase()}…` : undefined} />;
  }
  if (isEmpty?.(data)) return <>{empty ?? <Empty>Nothing here.</Empty>}</>;
  return (
    <>
      {error ? <PartialWarning error={error} /> : null}
      {children(data)}
      {fetching ? <span className="sr-only">Refreshing…</span> : null}
    </>
  );
}
