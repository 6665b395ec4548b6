/**
 * Subgraph bootstrap: buildSubgraphSchema + ApolloServer with masked errors, and an HTTP
 * listener: node:http hands /graphql straight to Apollo Server (graphqlHandler), everything
 * else (/health, webhooks) to express. `createSubgraph` never listens, so contract tests can
 * call `server.executeOperation` directly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import express from 'express';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { CALLER_HEADER, createCallerVerifier, type Identity } from './auth.ts';
import type { SubgraphExecutor } from './config.ts';
import { createErrorLog } from './error-log.ts';
import { maskError } from './errors.ts';
import { jitGateway, type JitExecutor } from './jit.ts';
import type { Logger } from './logger.ts';

/** Query limits: the gateway's, applied again by every subgraph (defence in depth). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 16, maxAliases: 30, maxCost: 200_000 };

/** GraphQL Armor's plugins and validation rules for one server. */
export function armorFor(limits: QueryLimits, subgraph: boolean) {
  const protection = new ApolloArmor({
    // The gateway's entity fetches nest `_entities` and inline fragments one level deeper than the client's query.
    maxDepth: { n: limits.maxDepth + (subgraph ? 4 : 0) },
    // The gateway prices the client's operation (Armor and gateway/src/cost.ts); a subgraph sees
    // the planner's fetches, whose shape is the planner's: Hive Router's fetch of a page of 200
    // datasets with versions and provenance prices 5% above the limit that @apollo/gateway's
    // fetch of the same operation stays under. Behind the signed caller header this limit is a
    // second line, so it leaves the planner room.
    costLimit: { maxCost: limits.maxCost * (subgraph ? 2 : 1) },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: 50 },
    maxTokens: { n: subgraph ? 50_000 : 5000 },
  }).protect();
  // Armor is typed against the CJS build of @apollo/server; the plugin objects are the same shape.
  return { plugins: protection.plugins as unknown as ApolloServerPlugin<any>[], validationRules: protection.validationRules };
}

/** The anonymous viewer: what a contract test that calls executeOperation without a caller is. */
export const ANONYMOUS_VIEWER: Identity = { sub: 'anonymous', name: 'anonymous', roles: { '*': 'viewer' }, anonymous: true };

export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  /** Path to the subgraph's schema.graphql (the source of truth). */
  schemaPath: string;
  /** The merged resolver map (codegen-typed per subgraph). */
  resolvers: object;
  logger: Logger;
  plugins?: ApolloServerPlugin<C>[];
  limits?: QueryLimits;
  /** 'jit' (default): graphql-jit; 'graphql-js': graphql-js's interpreter (benches compare the two). */
  executor?: SubgraphExecutor;
}

/** Builds the subgraph's ApolloServer (not started, not listening). */
export function createSubgraph<C extends BaseContext>(opts: SubgraphOptions<C>): ApolloServer<C> {
  const typeDefs = parse(readFileSync(opts.schemaPath, 'utf8'));
  const armor = armorFor(opts.limits ?? DEFAULT_LIMITS, true);
  // One failing backend can fail thousands of fields in one request: log it once, then a count.
  const errors = createErrorLog(opts.logger);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: opts.resolvers as Parameters<typeof buildSubgraphSchema>[0] extends infer A ? A extends { resolvers?: infer R } ? R : never : never });
  const jit = opts.executor === 'graphql-js' ? null : jitGateway(schema);
  const formatError = (formatted: GraphQLFormattedError, error: unknown) => maskError(formatted, error, (e) => errors.log(e));
  const server = new ApolloServer<C>({
    // graphql-jit compiles each operation once; see jit.ts for why it is plugged in as a gateway.
    ...(jit ? { gateway: jit.gateway } : { schema }),
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules: armor.validationRules,
    // No Apollo Studio here: federated traces would only add bytes to every subgraph response.
    // No cache hints either: the gateway does not use them, and the plugin wraps every resolver
    // (6–9% of a subgraph's CPU in the flagship profile, BENCHMARKS.md).
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ...armor.plugins, ...(opts.plugins ?? [])],
  });
  // Extra plugins could act on any request, so only a server with ours alone takes the fast path.
  if (jit && !opts.plugins?.length) fastPaths.set(server, { jit, formatError, answered: 0 });
  return server;
}

/**
 * The fast path of a subgraph's /graphql (graphqlHandler): a JSON POST whose query text and
 * operation name Apollo Server has already parsed, validated and run once is executed with the
 * compiled operation and answered here, with Apollo Server's answer format (errors, data; its
 * error normalization, then our formatError; 200 unless an error carries an HTTP status).
 * Anything else goes through Apollo Server: the first sight of a document, parse or validation
 * errors, variables that do not coerce (no resolver has run then), other methods, persisted
 * queries, another Accept. Measured in BENCHMARKS.md; answers byte-identical (kit/src/server.test.ts).
 */
interface FastPath {
  jit: JitExecutor;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Requests answered by the fast path since start (tests prove it ran). */
  answered: number;
}
const fastPaths = new WeakMap<object, FastPath>();

/** How many requests the server's fast path has answered (null: it has none). */
export const fastPathAnswers = (server: object): number | null => fastPaths.get(server)?.answered ?? null;

// GraphQL Armor's field-suggestion filter rewrites messages in a plugin the fast path skips; its default mask.
const SUGGESTION = /Did you mean ".+"/g;
const SUGGESTION_MASK = '[Suggestion hidden]';

/** Apollo Server's normalizeAndFormatErrors (errorNormalize.ts), for errors of an execution; `head` collects what they ask of the HTTP answer. */
export function formatExecutionErrors(
  errors: readonly GraphQLError[],
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  head: { status: number; headers: Map<string, string> },
): GraphQLFormattedError[] {
  return errors.map((error) => {
    try {
      // graphql-jit's errors have a read-only message: mask a copy.
      const message = error.message.replace(SUGGESTION, SUGGESTION_MASK);
      const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' };
      const http = extensions.http as { status?: unknown; headers?: unknown } | undefined;
      if (http && typeof http === 'object' && (!('status' in http) || typeof http.status === 'number') && (!('headers' in http) || http.headers instanceof Map)) {
        if (typeof http.status === 'number') head.status = http.status;
        if (http.headers instanceof Map) for (const [k, v] of http.headers as Map<string, string>) head.headers.set(k, v);
        delete extensions.http;
      }
      return formatError({ ...error.toJSON(), message, extensions }, error);
    } catch {
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
}

/** A GraphQL request as a JSON POST carries it (see fastRequest). */
export interface FastRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** A request the fast path may answer: the fields Apollo Server reads, of the types it accepts, and no others it acts on. */
function fastRequest(body: unknown, accept: string | undefined): FastRequest | null {
  if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return null;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || b.extensions != null) return null;
  if (b.operationName != null && typeof b.operationName !== 'string') return null;
  if (b.variables != null && (typeof b.variables !== 'object' || Array.isArray(b.variables))) return null;
  return b as unknown as FastRequest;
}

export interface Listening {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** Starts the server and listens on host:port (port 0 picks a free one). */
export async function listenSubgraph<C extends BaseContext>(
  server: ApolloServer<C>,
  opts: {
    host: string;
    port: number;
    name: string;
    context: (req: http.IncomingMessage, caller: Identity) => Promise<C>;
    health?: () => Promise<Record<string, unknown>>;
    routes?: (app: express.Express) => void;
    /** The key the gateway signs the caller header with; requests without a valid one get 401. */
    internalKey: string;
    /** Called for each GraphQL request from the gateway (signed caller header verified): tests count them. */
    onGraphQLRequest?: () => void;
  },
): Promise<Listening> {
  await server.start();
  const app = express();
  app.disable('x-powered-by');
  opts.routes?.(app);
  const verifyCaller = createCallerVerifier(opts.internalKey);
  app.get('/health', async (_req, res) => {
    try {
      const extra = opts.health ? await opts.health() : {};
      res.json({ status: 'ok', service: opts.name, ...extra });
    } catch {
      res.status(503).json({ status: 'degraded', service: opts.name });
    }
  });
  const graphql = graphqlHandler(server, {
    bodyLimitBytes: 5 * 1024 * 1024,
    // Only the gateway may ask: it vouches for the caller in a signed header. This also keeps
    // `_service` and `_entities` away from the world.
    authenticate: async (req, res) => {
      try {
        const caller = await verifyCaller(req.headers[CALLER_HEADER] as string | undefined);
        opts.onGraphQLRequest?.();
        return caller;
      } catch (e) {
        sendJson(res, 401, { errors: [{ message: (e as Error).message, extensions: { code: 'UNAUTHENTICATED' } }] });
        return undefined;
      }
    },
    context: (req, caller) => opts.context(req, caller),
  });
  return listenApp(app, opts.host, opts.port, '/graphql', async () => {
    await server.stop();
  }, graphql);
}

/** A JSON answer; after the headers went out, only ends the response. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request body as a string, refused past `limit` bytes (answered 413 by the caller). */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyError(413, `the request body is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyError(413, `the request body is larger than ${limit} bytes`));
        // Drain the rest unread so the 413 reaches the client, then close the connection.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}

/**
 * Answers a request from the fast path, or returns false (nothing written) when the document is
 * not validated yet or its variables do not coerce (no resolver has run then): Apollo answers.
 */
async function answerFast<C>(fast: FastPath, request: FastRequest, res: http.ServerResponse, context: () => Promise<C>): Promise<boolean> {
  const compiled = fast.jit.validated(request.query, request.operationName);
  if (!compiled) return false;
  const result = await compiled.query(undefined, await context(), request.variables ?? {});
  if (!('data' in result)) return false;
  fast.answered += 1;
  const head = { status: 200, headers: new Map<string, string>() };
  const errors = result.errors?.length ? formatExecutionErrors(result.errors, fast.formatError, head) : undefined;
  if (res.headersSent) {
    res.end();
    return true;
  }
  for (const [key, value] of head.headers) res.setHeader(key, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.statusCode = head.status;
  res.end(`${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`);
  return true;
}

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i;

/**
 * GraphQL over HTTP straight into Apollo Server, without express: what
 * `@as-integrations/express5` with `express.json()` did (headers, JSON body, status and
 * headers of Apollo's answer), minus express's routing, body-parser's stream machinery and
 * res.send's ETag (a SHA-1 of every answer, which no client of ours revalidates). Measured in
 * BENCHMARKS.md. Anything but a JSON POST reaches Apollo with no body, which answers it as
 * before (GET queries, a 400 for a POST without a JSON body).
 */
export function graphqlHandler<C extends BaseContext, A>(
  server: ApolloServer<C>,
  opts: {
    bodyLimitBytes: number;
    /** Returns who is asking, or undefined after answering the request itself (401, 429…). */
    authenticate: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<A | undefined>;
    context: (req: http.IncomingMessage, caller: A, res: http.ServerResponse) => Promise<C>;
    /**
     * A fast path of the caller's own (the gateway's hive-router engine): answers the request and
     * resolves true, or resolves false having written nothing, and Apollo Server answers it.
     * It shares the request's one context with Apollo Server: a context that failed there
     * fails the same way here, never twice (the rate limit takes once per request).
     */
    fast?: (request: FastRequest, res: http.ServerResponse, context: () => Promise<C>) => Promise<boolean>;
  },
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  const fast = fastPaths.get(server);
  const own = opts.fast;
  return async (req, res) => {
    try {
      const caller = await opts.authenticate(req, res);
      if (caller === undefined) return;
      const method = (req.method ?? 'GET').toUpperCase();
      let body: unknown;
      const type = req.headers['content-type'];
      if (method === 'POST' && type && JSON_TYPE.test(type)) {
        let text: string;
        try {
          text = await readBody(req, opts.bodyLimitBytes);
        } catch (e) {
          res.setHeader('connection', 'close');
          return sendJson(res, e instanceof BodyError ? e.status : 400, { error: e instanceof BodyError ? e.message : 'the request body could not be read' });
        }
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, { error: 'request body is not valid JSON' });
        }
      }
      let ctx: Promise<C> | undefined;
      const context = () => (ctx ??= opts.context(req, caller, res));
      const request = (fast || own) && body !== undefined ? fastRequest(body, req.headers.accept) : null;
      if (fast && request && (await answerFast(fast, request, res, context))) return;
      if (own && request && (await own(request, res, context))) return;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const answer = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search: q < 0 ? '' : url.slice(q), body },
        context,
      });
      if (res.headersSent) return void res.end();
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') return void res.end(answer.body.string);
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch {
      sendJson(res, 500, { error: 'internal error' });
    }
  };
}

/** Listens with an express app and returns a stop that closes sockets and then `onStop`. */
export async function listenApp(
  app: express.Express,
  host: string,
  port: number,
  path: string,
  onStop: () => Promise<void>,
  /** Serves `path` (and `path/`) before express sees the request; see graphqlHandler. */
  graphql?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
): Promise<Listening> {
  // Express's default error page carries a stack trace; answer with a short JSON error instead.
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: err?.type === 'entity.parse.failed' ? 'request body is not valid JSON' : status === 500 ? 'internal error' : 'bad request' });
  });
  const httpServer = http.createServer(
    graphql
      ? (req, res) => {
          const url = req.url ?? '';
          const q = url.indexOf('?');
          const pathname = q < 0 ? url : url.slice(0, q);
          if (pathname === path || pathname === `${path}/`) void graphql(req, res);
          else app(req, res);
        }
      : app,
  );
  // Keep-alive sockets from the gateway would hold close() open forever; track and end them.
  httpServer.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actual = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}${path}`,
    port: actual,
    stop: async () => {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await onStop();
    },
  };
}

/**
 * Everything a subgraph's server.ts needs: `createServer` (for contract tests through
 * executeOperation) and `start` (listen on a port), both over one backend object.
 */
export function defineSubgraph<B, C extends BaseContext>(def: {
  name: string;
  schemaPath: string;
  resolvers: object;
  /**
   * Per request, with the caller the gateway vouched for. `req` is absent for contract tests
   * that call executeOperation directly (they pass the caller, default an anonymous viewer).
   */
  createContext: (backend: B, req: http.IncomingMessage | undefined, caller: Identity) => C | Promise<C>;
  health?: (backend: B) => Promise<Record<string, unknown>>;
  /** Extra HTTP routes beside /graphql (e.g. the lineage push endpoint). */
  routes?: (app: express.Express, backend: B, logger: Logger) => void;
}) {
  const createServer = (backend: B, logger: Logger, limits?: QueryLimits, executor?: SubgraphExecutor) => {
    const server = createSubgraph<C>({ name: def.name, schemaPath: def.schemaPath, resolvers: def.resolvers, logger, ...(limits ? { limits } : {}), ...(executor ? { executor } : {}) });
    return { server, context: async (req?: http.IncomingMessage, caller: Identity = ANONYMOUS_VIEWER) => def.createContext(backend, req, caller) };
  };
  const start = async (
    backend: B,
    opts: {
      host: string;
      port: number;
      logger: Logger;
      internalKey: string;
      limits?: QueryLimits;
      executor?: SubgraphExecutor;
      routes?: (app: express.Express) => void;
      onGraphQLRequest?: () => void;
    },
  ): Promise<Listening> => {
    const { server, context } = createServer(backend, opts.logger, opts.limits, opts.executor);
    const routes = (app: express.Express) => {
      def.routes?.(app, backend, opts.logger);
      opts.routes?.(app);
    };
    return listenSubgraph(server, {
      host: opts.host,
      port: opts.port,
      name: def.name,
      internalKey: opts.internalKey,
      context,
      ...(def.health ? { health: () => def.health!(backend) } : {}),
      routes,
      ...(opts.onGraphQLRequest ? { onGraphQLRequest: opts.onGraphQLRequest } : {}),
    });
  };
  return { createServer, start };
}

/** Runs a started service until SIGINT/SIGTERM, then stops it cleanly. */
export function runUntilSignal(listening: Listening, logger: Logger, what: string): void {
  logger.info({ url: listening.url }, `${what} ready`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void listening.stop().then(() => process.exit(0));
    });
  }
}
