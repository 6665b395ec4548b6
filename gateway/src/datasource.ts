/**
 * The gateway's subgraph client. A subgraph that cannot be reached becomes a
 * SUBGRAPH_UNAVAILABLE error naming the subgraph, never the fetch error (which carries the
 * subgraph's host and port). Counts requests per subgraph for tests and the bench.
 */
// Before @apollo/gateway: see the file for why.
import './flat-federation-internals.ts';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLError } from 'graphql';
import { Agent, request as undiciRequest } from 'undici';
import { appError, CALLER_HEADER, ERROR_CODES, type ErrorCode } from '@mlops/kit';

export interface SubgraphRequestCounter {
  byService: Map<string, number>;
  /** Entity representations sent, per subgraph (the apollo engine's own count; see `dedupeRepresentations`). */
  representations: Map<string, number>;
  reset(): void;
}

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export function createRequestCounter(): SubgraphRequestCounter {
  const byService = new Map<string, number>();
  const representations = new Map<string, number>();
  return {
    byService,
    representations,
    reset: () => {
      byService.clear();
      representations.clear();
    },
  };
}

/**
 * An entity fetch's representations, each distinct one once, and where each of the original
 * list's entries went (`slot[i]` is the index in `unique` of the entry `i`). Representations
 * the gateway built for the same entity are equal objects with their keys in the same order
 * (its key selection set's), so their JSON is the identity; null when nothing repeats.
 */
export function dedupeRepresentations(reps: readonly unknown[]): { unique: unknown[]; slot: Int32Array } | null {
  const seen = new Map<string, number>();
  const unique: unknown[] = [];
  const slot = new Int32Array(reps.length);
  for (let i = 0; i < reps.length; i++) {
    const key = JSON.stringify(reps[i]);
    let j = seen.get(key);
    if (j === undefined) {
      j = unique.length;
      seen.set(key, j);
      unique.push(reps[i]);
    }
    slot[i] = j;
  }
  return unique.length === reps.length ? null : { unique, slot };
}

/**
 * A subgraph's answer to the distinct representations, put back in the gateway's order: entry
 * `i` is the answer for `slot[i]`. A repeated entity is a shallow copy per place, because the
 * gateway sets a missing __typename on each received entity before merging it. An error about
 * one distinct entity (path `_entities, j, …`) is repeated for every place that entity stood,
 * as the subgraph would have reported it for each. An answer of the wrong length is returned
 * as it came: the gateway reports that mismatch itself.
 */
export function expandEntities(response: GatewayGraphQLResponse, slot: Int32Array, sent: number): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  if (!Array.isArray(entities) || entities.length !== sent) return response;
  const used = new Uint8Array(sent);
  const expanded = Array.from(slot, (j) => {
    const e = entities[j];
    const again = used[j] === 1;
    used[j] = 1;
    return again && e !== null && typeof e === 'object' ? { ...(e as object) } : e;
  });
  const errors = response.errors?.flatMap((err) => {
    const p = err.path;
    if (!p || p[0] !== '_entities' || typeof p[1] !== 'number') return [err];
    const at: typeof err[] = [];
    for (let i = 0; i < slot.length; i++) if (slot[i] === p[1]) at.push({ ...err, path: ['_entities', i, ...p.slice(2)] });
    return at.length ? at : [err];
  });
  return { ...response, data: { ...response.data, _entities: expanded }, ...(errors ? { errors } : {}) };
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

  /**
   * Sends each distinct entity of an entity fetch once. @apollo/gateway sends one
   * representation per place an entity occurs (a model version serving several targets of a
   * page is sent once per target; 11–13% of the flagship's training and catalog
   * representations), where Apollo Router and Hive Router send it once: the subgraph resolved
   * and serialised every copy, and the gateway parsed them. The answer is expanded back to the
   * gateway's order, so the plan's merging and error paths are unchanged.
   */
  override async process(options: GraphQLDataSourceProcessOptions<Record<string, any>>): Promise<GatewayGraphQLResponse> {
    const reps = options.request.variables?.representations;
    const d = Array.isArray(reps) && reps.length > 1 ? dedupeRepresentations(reps) : null;
    if (!d) return super.process(options);
    const request = { ...options.request, variables: { ...options.request.variables, representations: d.unique } };
    return expandEntities(await super.process({ ...options, request } as typeof options), d.slot, d.unique.length);
  }

  override async willSendRequest(options: {
    request: { http?: { headers: { set(k: string, v: string): void } }; variables?: Record<string, unknown> };
    context: { callerHeader?: Promise<string> };
  }): Promise<void> {
    // The subgraphs trust only this signed header, never a client's Authorization.
    const header = await options.context?.callerHeader;
    if (header) options.request.http?.headers.set(CALLER_HEADER, header);
    this.counter.byService.set(this.serviceName, (this.counter.byService.get(this.serviceName) ?? 0) + 1);
    const reps = options.request.variables?.representations;
    if (Array.isArray(reps)) this.counter.representations.set(this.serviceName, (this.counter.representations.get(this.serviceName) ?? 0) + reps.length);
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
