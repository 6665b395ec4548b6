/**
 * Error handling by code, never by message text: GraphQL errors carry `extensions.code`, mutation
 * payloads carry `errors { code }`, the proxy reports an unreachable gateway as GATEWAY_UNREACHABLE.
 */
import type { CombinedError } from '@urql/core';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'SUBGRAPH_UNAVAILABLE'
  | 'LINEAGE_STORE_UNAVAILABLE'
  | 'GATEWAY_UNREACHABLE'
  | 'NETWORK'
  | (string & {});

/** The codes of a combined error, most specific first; NETWORK when the request itself failed. */
export function errorCodes(error: CombinedError | undefined | null): ErrorCode[] {
  if (!error) return [];
  const codes = error.graphQLErrors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR'));
  if (error.networkError) codes.push('NETWORK');
  return [...new Set(codes)];
}

export function hasCode(error: CombinedError | undefined | null, code: ErrorCode): boolean {
  return errorCodes(error).includes(code);
}

/** What to tell the user for a code (the gateway's message is shown as detail). */
export function explain(code: ErrorCode): { title: string; hint?: string } {
  switch (code) {
    case 'UNAUTHENTICATED':
      return { title: 'Your session is not valid', hint: 'Sign in again (the token may have expired).' };
    case 'FORBIDDEN':
      return { title: 'Not allowed', hint: 'Your role on this project does not permit this. Sign in as another user.' };
    case 'NOT_FOUND':
      return { title: 'Not found' };
    case 'BAD_USER_INPUT':
      return { title: 'Invalid input' };
    case 'SUBGRAPH_UNAVAILABLE':
      return { title: 'A platform is unavailable', hint: 'Part of the data comes from a subgraph that does not answer; the rest is shown.' };
    case 'LINEAGE_STORE_UNAVAILABLE':
      return { title: 'The lineage graph is unavailable', hint: 'The lineage store does not answer; try again shortly.' };
    case 'GATEWAY_UNREACHABLE':
      return { title: 'The gateway does not answer', hint: 'Is the gateway running (npm start)?' };
    case 'NETWORK':
      return { title: 'Network error', hint: 'The UI server could not be reached.' };
    case 'FOUR_EYES':
      return { title: 'Four-eyes rule', hint: 'The requester of a release cannot approve it.' };
    case 'GATES_FAILED':
      return { title: 'Gates failed', hint: 'An admin must override the gates first.' };
    case 'INVALID_STATE':
      return { title: 'Not possible in the current state' };
    case 'NOT_ALLOWED':
      return { title: 'Not allowed here', hint: 'The project policy or the release history does not allow it.' };
    case 'NOT_NEEDED':
      return { title: 'Nothing to do' };
    default:
      return { title: 'Something went wrong' };
  }
}

/** Partial data: errors only from unavailable subgraphs while some data arrived. */
export function isPartial(error: CombinedError | undefined | null, data: unknown): boolean {
  if (!error || !data) return false;
  return errorCodes(error).every((c) => c === 'SUBGRAPH_UNAVAILABLE' || c === 'LINEAGE_STORE_UNAVAILABLE');
}
