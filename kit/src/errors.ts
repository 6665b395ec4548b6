/**
 * The error-code registry: every code a client may see, with what it means. Resolvers throw
 * through these constructors so `extensions.code` is always set; anything else is masked.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ERROR_CODES = {
  BAD_USER_INPUT: 'An argument is invalid; the message names it and says what is allowed.',
  NOT_FOUND: 'No entity exists with the given id.',
  UNAUTHENTICATED: 'The request carries no valid credentials.',
  FORBIDDEN: 'The caller may not perform this operation on this resource.',
  UPSTREAM_UNAVAILABLE: 'A platform behind a subgraph did not answer; other fields still resolve.',
  SUBGRAPH_UNAVAILABLE: 'A subgraph did not answer the gateway; fields it owns are null.',
  LINEAGE_STORE_UNAVAILABLE: 'The lineage graph database did not answer; retry later.',
  IDEMPOTENCY_CONFLICT:
    'The idempotency key was already used by this caller for this operation with other arguments; send the same arguments to get the first result, or use a new key.',
  RATE_LIMITED: 'The query exceeds a size, depth or cost limit.',
  TOO_MANY_REQUESTS: 'The caller sent more requests than its per-minute allowance; retry after the time in Retry-After.',
  REQUEST_TIMEOUT: 'The request did not finish within the gateway\'s time limit; nothing more of it is returned.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure; details are in the server log, not the response.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Builds a GraphQLError with a registered code. */
export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** BAD_USER_INPUT naming the offending argument. */
export const badInput = (argument: string, message: string) =>
  appError('BAD_USER_INPUT', `${argument}: ${message}`, { argument });

export const notFound = (type: string, id: string) => appError('NOT_FOUND', `${type} ${JSON.stringify(id)} not found`, { type });

export const forbidden = (message: string) => appError('FORBIDDEN', message);

/**
 * A failure of a platform behind a connector. `platform` names it for the client; `cause`
 * stays in the server log and never reaches a response.
 */
export class ConnectorError extends Error {
  constructor(
    readonly platform: string,
    readonly kind: 'UNAVAILABLE' | 'TIMEOUT' | 'BAD_REQUEST' | 'NOT_FOUND',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

const PASS_THROUGH = new Set<string>(Object.keys(ERROR_CODES).filter((c) => c !== 'INTERNAL_SERVER_ERROR'));
/** graphql-js validation/parse errors are the client's own mistakes and safe to show. */
const CLIENT_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * formatError for every server: keeps registered codes and client errors, turns connector
 * failures into UPSTREAM_UNAVAILABLE, and masks the rest. Never returns stack traces.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, log?: (e: unknown) => void): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof ConnectorError) {
    log?.(original);
    return {
      ...base,
      message: `The ${original.platform} platform is unavailable`,
      extensions: { code: 'UPSTREAM_UNAVAILABLE', platform: original.platform },
    };
  }
  if (PASS_THROUGH.has(code) || CLIENT_CODES.has(code)) {
    const { stacktrace: _s, exception: _e, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...base, message: formatted.message, extensions: { ...extensions, code } };
  }
  log?.(original);
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
