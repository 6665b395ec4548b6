/**
 * The gateway's subgraph client. A subgraph that cannot be reached becomes a
 * SUBGRAPH_UNAVAILABLE error naming the subgraph, never the fetch error (which carries the
 * subgraph's host and port). Counts requests per subgraph for tests and the bench.
 */
// Before @apollo/gateway: see the file for why.
import './flat-federation-internals.ts';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLError } from 'graphql';
import { Agent, request as undiciRequest } from 'undici';
import { appError, CALLER_HEADER, ERROR_CODES, type ErrorCode } from '@mlops/kit';

export interface SubgraphRequestCounter {
  byService: Map<string, number>;
  reset(): void;
}

export function createRequestCounter(): SubgraphRequestCounter {
  const byService = new Map<string, number>();
  return { byService, reset: () => byService.clear() };
}

/**
 * One connection pool for every subgraph of this process: keep-alive sockets, reused across
 * requests; idle ones close before the subgraphs' own 5 s keep-alive does.
 */
const pool = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000 });

/** What RemoteGraphQLDataSource reads of a response: status, a header or two, the body. */
interface SubgraphResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/**
 * The subgraph call itself, on undici's request API instead of fetch: the fetch path (WHATWG
 * Request/Response/Headers objects and an AbortSignal per call) was 15–20% of the gateway's CPU
 * per flagship request (BENCHMARKS.md). RemoteGraphQLDataSource only needs `ok`, `status`, a
 * header getter and the body. A subgraph that sends no answer within `timeoutMs` fails the call
 * (the base class then reports it through didEncounterError: SUBGRAPH_UNAVAILABLE, null
 * fields), so a client never hangs on it.
 */
export function subgraphFetcher(timeoutMs: number) {
  return async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<SubgraphResponse> => {
    const res = await undiciRequest(url, {
      dispatcher: pool,
      method: (init.method ?? 'POST') as 'POST',
      headers: init.headers ?? {},
      body: init.body ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const headers = res.headers;
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: '',
      url,
      headers: { get: (name) => (headers[name.toLowerCase()] as string | undefined) ?? null },
      json: () => res.body.json(),
      text: () => res.body.text(),
    };
  };
}

export class GatewayDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly counter: SubgraphRequestCounter,
    timeoutMs: number,
  ) {
    super({ url, fetcher: subgraphFetcher(timeoutMs) as never });
  }

  override async willSendRequest(options: { request: { http?: { headers: { set(k: string, v: string): void } } }; context: { callerHeader?: Promise<string> } }): Promise<void> {
    // The subgraphs trust only this signed header, never a client's Authorization.
    const header = await options.context?.callerHeader;
    if (header) options.request.http?.headers.set(CALLER_HEADER, header);
    this.counter.byService.set(this.serviceName, (this.counter.byService.get(this.serviceName) ?? 0) + 1);
  }

  override didEncounterError(error: Error, _request: unknown, response?: unknown): void {
    // A subgraph that answered with a GraphQL error body (e.g. 400 for an invalid literal)
    // is the client's problem: pass its message and code on, but never the raw response.
    const body = response ? (error as GraphQLError).extensions?.response : undefined;
    const first = (body as { body?: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } } | undefined)?.body?.errors?.[0];
    const code = first?.extensions?.code;
    if (first && typeof first.message === 'string' && typeof code === 'string') {
      // The gateway's schema passed the query, so a subgraph's validation failure is about a
      // value the gateway cannot check (a custom scalar literal): the client's input.
      if (code === 'GRAPHQL_VALIDATION_FAILED') throw appError('BAD_USER_INPUT', first.message, { serviceName: this.serviceName });
      if (code in ERROR_CODES) throw appError(code as ErrorCode, first.message, { serviceName: this.serviceName });
    }
    throw appError('SUBGRAPH_UNAVAILABLE', `The ${this.serviceName} subgraph is unavailable; fields it provides are null`, {
      serviceName: this.serviceName,
    });
  }
}
