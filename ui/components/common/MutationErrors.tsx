'use client';
/** Errors of a mutation: payload `errors { code message field }` and top-level GraphQL errors, by code. */
import Link from 'next/link';
import type { CombinedError } from '@urql/core';
import { errorCodes, explain } from '@/lib/errors';
import { href } from '@/lib/paths';

export interface PayloadError {
  code: string;
  message: string;
  field?: string | null;
}

export function MutationErrors({ errors, error }: { errors?: readonly PayloadError[] | null; error?: CombinedError | null }) {
  const list: PayloadError[] = [...(errors ?? [])];
  if (error) {
    const codes = errorCodes(error);
    if (error.graphQLErrors.length) for (const e of error.graphQLErrors) list.push({ code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR', message: e.message });
    else list.push({ code: codes[0] ?? 'NETWORK', message: error.message });
  }
  if (list.length === 0) return null;
  const needsSignIn = list.some((e) => e.code === 'FORBIDDEN' || e.code === 'UNAUTHENTICATED');
  return (
    <div className="state state-error" role="alert" data-testid="mutation-errors">
      <ul>
        {list.map((e, i) => (
          <li key={i} data-error-code={e.code}>
            <strong>{explain(e.code).title}</strong>
            {e.field ? <span className="muted"> ({e.field})</span> : null}: {e.message}
          </li>
        ))}
      </ul>
      {needsSignIn ? <Link href={href.signIn()}>Sign in as someone who may do this</Link> : null}
    </div>
  );
}
