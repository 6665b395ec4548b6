/**
 * The `hive-router` engine (configuration `gateway.engine`, issue 11 goal 2): Hive Router, a
 * Rust federation router, plans and executes every operation; this process keeps everything
 * that is ours in front of it, unchanged: token verification, the rate limit, GraphQL Armor's
 * limits, the cost model, error masking, SUBGRAPH_UNAVAILABLE naming, the caller header the
 * subgraphs require, /health and GraphiQL.
 *
 * How: Apollo Server's gateway interface (the seam kit/src/jit.ts uses) with an executor that
 * forwards the operation to the router on loopback. The router propagates only the signed
 * caller header to the subgraphs; its own error masking is off because the subgraphs already
 * mask theirs (kit maskError) and this process maps what the router adds (see routerError).
 *
 * The router is built by router/install.sh into router/.cache (15–45 minutes of compile, so
 * never by `npm start`); a missing binary is a clear startup error naming the script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Pool, type Dispatcher } from 'undici';
import { CALLER_HEADER, ERROR_CODES, type Logger } from '@mlops/kit';
import { executorGateway, type GatewayExecutor } from '@mlops/kit/jit';
import { freePort } from '@mlops/kit/ports';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

// Apollo Server validates with the graphql build @apollo/gateway loads (CommonJS); errors and the
// schema must come from that same module instance for its instanceof checks.
const { buildSchema, GraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** Where router/install.sh puts the binary. */
export const DEFAULT_ROUTER_BINARY = fileURLToPath(new URL('../../router/.cache/bin/hive_router', import.meta.url));

export interface HiveRouterOptions {
  /** The router binary (default: router/install.sh's). */
  binary?: string;
  /** The router's HTTP worker threads (default: defaultRouterWorkers()). */
  workers?: number;
  supergraphSdl: string;
  /**
   * The client-facing schema of that supergraph (schema/api.graphql, generated with it by
   * schema/compose.ts and checked in CI): what Apollo Server validates against, as Apollo
   * Gateway's API schema would be.
   */
  apiSdl: string;
  /** Subgraph name → GraphQL URL. */
  urls: Record<string, string>;
  /** Per subgraph fetch. */
  subgraphTimeoutMs: number;
  /** The whole operation at the router (its plan may fetch several times in a row). */
  requestTimeoutMs: number;
  logger: Logger;
  /** Called when the router exits while it should be running (the gateway process exits with it). */
  onExit?: (code: number | null) => void;
}

/** An operation Apollo Server has parsed, validated (Armor's rules, token limit) and let through the cost plugin once. */
export interface ValidatedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

export interface RouterAnswer {
  status: number;
  /**
   * The router's JSON body as the socket delivered it, in pieces (an 88 KB answer comes in two
   * or more): the fast path writes them on without joining them (each join was a copy).
   */
  chunks: Buffer[];
}

/** The whole body of an answer. */
export function answerBody(answer: RouterAnswer): Buffer {
  return answer.chunks.length === 1 ? answer.chunks[0]! : Buffer.concat(answer.chunks);
}

/**
 * Whether the router's answer certainly holds no `errors` key, read from its last two bytes.
 * Why that suffices: with this file's configuration (no subgraph extensions propagated, query
 * plans never exposed, no plugins) Hive Router 0.2 writes an execution result as
 * `{"data":<object or null>}` and appends `,"errors":[…]` when there are errors; every other
 * answer of its own is `{"errors":[…]}`. So an answer with errors ends in `]}`, and one that
 * ends in `}}` or `l}` (data null) has none. Anything else takes the long way, which is always
 * right; the engines' byte comparisons (test/integration/hive-router.int.test.ts) cover the
 * answers with errors. It replaced a scan of the whole answer for `"errors"` (7% of this
 * process's CPU per flagship request).
 */
export function answerHasNoErrors(answer: RouterAnswer): boolean {
  if (answer.status !== 200) return false;
  const last = answer.chunks[answer.chunks.length - 1];
  if (!last || last.length === 0 || last[last.length - 1] !== 0x7d /* } */) return false;
  const before = last.length > 1 ? last[last.length - 2] : answer.chunks[answer.chunks.length - 2]?.at(-1);
  const first = answer.chunks[0]!;
  return (before === 0x7d /* } */ || before === 0x6c) /* l */ && first.length >= 8 && first.toString('latin1', 0, 8) === '{"data":';
}

export interface HiveRouter {
  gateway: GatewayInterface;
  /** The API schema Apollo Server validates against. */
  schema: GraphQLSchema;
  /** The router's loopback GraphQL URL (tests and benches). */
  url: string;
  /** The router's configuration file (in its environment as ROUTER_CONFIG_FILE_PATH: tests find the process by it). */
  configFile: string;
  /**
   * The operation for a query text and operation name (as the client sent them) that Apollo
   * Server has already validated and executed once, or undefined. Validation depends on the
   * document and the schema only, so the same text needs no second pass (server.ts' fast path).
   */
  validated(source: string, operationName: string | null | undefined): ValidatedOperation | undefined;
  /** Sends one operation to the router with the caller header. */
  forward(request: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }, callerHeader: string | undefined): Promise<RouterAnswer>;
  /** Requests the fast path answered (tests prove it ran). */
  stats: { fastAnswers: number };
  stop(): Promise<void>;
}

interface GatewayContext {
  callerHeader?: Promise<string>;
}

interface RouterError {
  message?: unknown;
  path?: unknown;
  locations?: unknown;
  extensions?: Record<string, unknown>;
}

const REGISTERED = new Set(Object.keys(ERROR_CODES));

/**
 * One router error as our gateway (gateway/src/datasource.ts over @apollo/gateway) would have
 * reported it. The router marks what a subgraph answered, and what failed on the way to one,
 * with `extensions.service`:
 * - a registered code from a subgraph is the subgraph's answer: message and extensions kept,
 *   the subgraph named as `serviceName` (Apollo Gateway's key);
 * - a subgraph's validation failure is about a value only it can check (a custom scalar
 *   literal): BAD_USER_INPUT, as datasource.ts does;
 * - anything else from or about a subgraph (connection refused, timeout, a 5xx, a body that is
 *   not GraphQL) is SUBGRAPH_UNAVAILABLE naming it, never the router's text (which carries the
 *   subgraph's URL);
 * - an error of the router's own (none is expected: this process validated the operation
 *   against the same supergraph) keeps the router's code for formatError, which lets a client
 *   code through and masks and logs anything else.
 */
export function routerError(e: RouterError): InstanceType<typeof GraphQLError> {
  const { service, affectedPath: _a, ...ext } = e.extensions ?? {};
  const message = typeof e.message === 'string' ? e.message : '';
  const at = Array.isArray(e.path) ? { path: e.path as (string | number)[] } : {};
  if (typeof service === 'string') {
    const code = ext.code;
    if (code === 'GRAPHQL_VALIDATION_FAILED') return new GraphQLError(message, { ...at, extensions: { code: 'BAD_USER_INPUT', serviceName: service } });
    if (typeof code === 'string' && REGISTERED.has(code) && code !== 'INTERNAL_SERVER_ERROR') {
      return new GraphQLError(message, { ...at, extensions: { ...ext, code, serviceName: service } });
    }
    return new GraphQLError(`The ${service} subgraph is unavailable; fields it provides are null`, { ...at, extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: service } });
  }
  return new GraphQLError(message || 'router error', { ...at, extensions: { ...ext, code: typeof ext.code === 'string' ? ext.code : 'INTERNAL_SERVER_ERROR' } });
}

/**
 * The router's answer as an execution result of Apollo Server's gateway interface, its errors
 * mapped by routerError. A body that is not a GraphQL answer (the router failing) is an
 * unregistered error, i.e. masked.
 */
export function resultOf(answer: RouterAnswer): { data?: Record<string, unknown> | null; errors?: InstanceType<typeof GraphQLError>[] } {
  let body: { data?: Record<string, unknown> | null; errors?: RouterError[] };
  try {
    body = JSON.parse(answerBody(answer).toString('utf8')) as typeof body;
  } catch {
    return { errors: [new GraphQLError(`the router answered ${answer.status} with a body that is not JSON`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } })] };
  }
  const list = Array.isArray(body.errors) ? body.errors : [];
  // A subgraph that refuses with a non-2xx status and GraphQL errors (a 400 for an invalid
  // scalar literal) gets both its errors and one of the router's about the status; the apollo
  // engine reports the subgraph's own (datasource.ts), so the status error goes when the same
  // subgraph has another error in the answer.
  const hasOwn = new Set(list.filter((e) => e?.extensions?.code !== 'SUBREQUEST_HTTP_ERROR').map((e) => e?.extensions?.service));
  const kept = list.filter((e) => !(e?.extensions?.code === 'SUBREQUEST_HTTP_ERROR' && typeof e.extensions.service === 'string' && hasOwn.has(e.extensions.service)));
  const errors = kept.length ? kept.map(routerError) : undefined;
  return { ...('data' in body ? { data: body.data } : {}), ...(errors ? { errors } : {}) };
}

/**
 * `sh -c WATCHDOG <router binary>`: runs the router with no stdin and, beside it, waits for the
 * end of the shell's stdin (the gateway's pipe); then stops the router (SIGTERM, SIGKILL 5 s later). Exits with the router's
 * status whichever ends first.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$0" </dev/null 3<&- &',
  'r=$!',
  // The router's HTTP server drains for up to 30 s on SIGTERM (an orphan outlived a SIGKILLed
  // gateway by that long under load): after 5 s it is killed.
  '{ read -r _ <&3; kill -TERM "$r" 2>/dev/null; n=0; while kill -0 "$r" 2>/dev/null && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n+1)); done; kill -KILL "$r" 2>/dev/null; } &',
  'w=$!',
  'exec 3<&-',
  'wait "$r"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join('\n');

/**
 * The router's worker threads when the configuration names none: one per core, less the core
 * our gateway process (one JavaScript thread) keeps busy in front of it; at least one. The
 * router's own default is one per core, and on this project's two-core machine one worker
 * cost 15–20% less router CPU per flagship request and served 9–15% more requests/s
 * (BENCHMARKS.md, "One router worker"): two workers contend with our gateway process and the
 * subgraphs for the same two cores.
 */
export function defaultRouterWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export async function startHiveRouter(opts: HiveRouterOptions): Promise<HiveRouter> {
  const binary = opts.binary ?? DEFAULT_ROUTER_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`gateway.engine hive-router: the router binary ${binary} is missing; build it once with "bash router/install.sh" (15–45 minutes), or set gateway.engine: apollo`);
  }
  const schema: GraphQLSchema = buildSchema(opts.apiSdl);
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlops-hive-router-'));
  const supergraphFile = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphFile, opts.supergraphSdl);
  const config = {
    log: { level: 'warn' },
    laboratory: { enabled: false },
    // Loopback only: the router trusts whoever reaches it. It answers nothing useful without
    // a caller header signed with the internal key, which only this process holds.
    http: { host, port, workers: opts.workers ?? defaultRouterWorkers() },
    supergraph: { source: 'file', path: supergraphFile },
    override_subgraph_urls: { subgraphs: Object.fromEntries(Object.entries(opts.urls).map(([n, url]) => [n, { url }])) },
    headers: { all: { request: [{ propagate: { named: CALLER_HEADER } }] } },
    // The subgraphs mask their own errors; routerError maps the router's.
    error_masking: { enabled: false },
    // Never a query plan in an answer's extensions (and no response_extensions: no subgraph
    // extensions either): answerHasNoErrors relies on answers without extensions.
    query_planner: { allow_expose: false },
    traffic_shaping: {
      // Our subgraphs close a keep-alive connection after 5 s idle (kit/src/server.ts).
      all: { pool_idle_timeout: '4s', request_timeout: `${opts.subgraphTimeoutMs}ms` },
    },
  };
  const configFile = path.join(dir, 'router.config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  // The router must not outlive this process, however it ends: a gateway killed with SIGKILL
  // (or crashing) runs no stop(), and an orphaned router would hold its port and memory forever
  // (one was found after a bench run). So a shell starts it and watches a pipe only this process
  // writes to: when this process is gone the pipe closes, and the shell stops the router.
  // stop() closes the pipe the same way. The shell leads its own process group, so a router
  // that ignores SIGTERM can still be killed with the group.
  const child: ChildProcess = spawn('/bin/sh', ['-c', WATCHDOG, binary], {
    env: { PATH: process.env.PATH ?? '', ROUTER_CONFIG_FILE_PATH: configFile },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stopping = false;
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + String(d)).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', (d: Buffer) => {
    keep(d);
    opts.logger.warn({ output: String(d).trim().slice(0, 2000) }, 'hive-router');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    if (!stopping) {
      opts.logger.error({ code, output: tail.slice(-1000) }, 'hive-router exited');
      opts.onExit?.(code);
    }
  });
  const url = `http://${host}:${port}/graphql`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hive-router exited with ${child.exitCode} before it was ready: ${tail.slice(-1000)}`);
    const ok = await fetch(`http://${host}:${port}/readiness`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hive-router did not become ready within 30 s: ${tail.slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const pool = new Pool(`http://${host}:${port}`, { keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000, connections: 256 });
  // undici's dispatch with a handler of our own rather than request(): the answer's pieces are
  // kept as they arrive, without the Readable stream and async iterator request() builds per
  // answer (undici and node's stream code were a fifth of this process's CPU per request).
  const forward: HiveRouter['forward'] = (request, callerHeader) =>
    new Promise<RouterAnswer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      const handler: Dispatcher.DispatchHandler = {
        // undici tells its handler styles apart by this method.
        onRequestStart() {},
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ status, chunks });
        },
        onResponseError(_controller, error) {
          reject(error);
        },
      };
      pool.dispatch(
        {
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(callerHeader ? { [CALLER_HEADER]: callerHeader } : {}) },
          body: JSON.stringify({ query: request.query, operationName: request.operationName ?? undefined, variables: request.variables ?? undefined }),
          // The client has had its REQUEST_TIMEOUT by then (server.ts); this frees the socket.
          headersTimeout: opts.requestTimeoutMs,
          bodyTimeout: opts.requestTimeoutMs,
        },
        handler,
      );
    });
  const maxCached = 500;
  const validatedOps = new Map<string, ValidatedOperation>();
  const executor: GatewayExecutor = async (rc) => {
    // Apollo Server hands over a document whose operation it could not pick; @apollo/gateway
    // throws graphql-js's words for it, which gateway/src/server.ts answers with a 400.
    if (!rc.operation) {
      throw new GraphQLError(rc.request.operationName ? `Unknown operation named "${rc.request.operationName}".` : 'Must provide operation name if query contains multiple operations.');
    }
    const answer = await forward(rc.request as { query: string }, await (rc.context as GatewayContext).callerHeader);
    const key = `${rc.source}\u0000${rc.request.operationName ?? ''}`;
    if (rc.operation && !validatedOps.has(key)) {
      validatedOps.set(key, { document: rc.document, operation: rc.operation });
      if (validatedOps.size > maxCached) validatedOps.delete(validatedOps.keys().next().value!);
    }
    return resultOf(answer);
  };
  const gateway = executorGateway(schema, executor, opts.supergraphSdl);
  return {
    gateway,
    schema,
    url,
    configFile,
    validated: (source, operationName) => validatedOps.get(`${source}\u0000${operationName ?? ''}`),
    forward,
    stats: { fastAnswers: 0 },
    async stop() {
      stopping = true;
      await pool.close().catch(() => {});
      if (child.exitCode === null) {
        child.stdin!.end();
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What router/install.sh recorded it built ("0.2.0 lab0.3.0"), or null. */
export function routerBuild(binary = DEFAULT_ROUTER_BINARY): string | null {
  const marker = path.join(path.dirname(binary), '.built');
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : null;
}
