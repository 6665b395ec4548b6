/**
 * The gateway: Apollo Gateway over the composed supergraph (schema/supergraph.graphql),
 * served by Apollo Server with masked errors, GraphQL Armor limits, /health and GraphiQL.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
// Before @apollo/gateway: see the file for why.
import './flat-federation-internals.ts';
import './result-shaping.ts';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { createRequire } from 'node:module';
import { appError, createVerifier, maskError, signCaller, type AuthConfig, type Identity, type Logger } from '@mlops/kit';
import { createErrorLog } from '@mlops/kit/error-log';
import { armorFor, DEFAULT_LIMITS, formatExecutionErrors, graphqlHandler, listenApp, sendJson, type FastRequest, type Listening } from '@mlops/kit/server';
import { cachedOperationCost } from './cost.ts';
import { createRequestCounter, GatewayDataSource, type SubgraphRequestCounter } from './datasource.ts';
import { mountGraphiQL } from './graphiql.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { securityHeaders } from './security-headers.ts';
import { answerHasNoErrors, resultOf, startHiveRouter, type HiveRouter } from './hive-router.ts';

export { createRequestCounter, type SubgraphRequestCounter } from './datasource.ts';

export const supergraphPath = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));
export const apiSchemaPath = fileURLToPath(new URL('../../schema/api.graphql', import.meta.url));

/**
 * Who plans and executes operations: `apollo` (@apollo/gateway in this process, the default) or
 * `hive-router` (Hive Router, a Rust router built by router/install.sh, behind this process;
 * gateway/src/hive-router.ts). Everything else this file sets up is the same for both.
 */
export type GatewayEngine = 'apollo' | 'hive-router';

export interface GatewayOptions {
  /** Subgraph name → GraphQL URL (overrides the URLs baked into the supergraph). */
  urls: Record<string, string>;
  host: string;
  port: number;
  logger: Logger;
  maxDepth?: number;
  maxCost?: number;
  maxAliases?: number;
  supergraphSdl?: string;
  auth: AuthConfig;
  /** Signs the caller header the subgraphs require (kit/server). */
  internalKey: string;
  /** Per subgraph fetch (default 10 s); keep it below `requestTimeoutMs`. */
  subgraphTimeoutMs?: number;
  /** Whole request (default 15 s): past it the client gets REQUEST_TIMEOUT, never a hung socket. */
  requestTimeoutMs?: number;
  /** Requests per caller per minute; 0 (default) disables. */
  rateLimitPerMinute?: number;
  /** Where the per-caller buckets live; default: in this process (workers.ts passes the primary's). */
  rateLimiter?: RateLimiter;
  /** Default `apollo`. */
  engine?: GatewayEngine;
  /** The hive-router engine's binary (default: router/install.sh's, router/.cache/bin/hive_router). */
  routerBinary?: string;
  /** The hive-router engine's worker threads (default: hive-router.ts defaultRouterWorkers). */
  routerWorkers?: number;
  /** The hive-router engine: the router exited while the gateway was running. */
  onRouterExit?: (code: number | null) => void;
}

interface GatewayContext {
  caller: Identity;
  /** The signed caller header for the subgraphs, minted once per request. */
  callerHeader: Promise<string>;
}

/** An error thrown before execution, with the HTTP status Apollo Server should answer with. */
const httpError = (code: Parameters<typeof appError>[0], message: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

export interface RunningGateway extends Listening {
  /** Subgraph requests since the last reset, by subgraph name (the apollo engine only: the router's are its own). */
  subgraphRequests: SubgraphRequestCounter;
  engine: GatewayEngine;
  /** The hive-router engine's loopback router URL. */
  routerUrl?: string;
  /** The hive-router engine: requests its fast path answered (tests prove it ran). */
  fastAnswers?: () => number;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const counter = createRequestCounter();
  const verifier = createVerifier(opts.auth);
  const subgraphTimeoutMs = opts.subgraphTimeoutMs ?? 10_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const supergraphSdl = opts.supergraphSdl ?? readFileSync(supergraphPath, 'utf8');
  const engine = opts.engine ?? 'apollo';
  const router: HiveRouter | null =
    engine === 'hive-router'
      ? await startHiveRouter({
          binary: opts.routerBinary,
          ...(opts.routerWorkers ? { workers: opts.routerWorkers } : {}),
          supergraphSdl,
          apiSdl: readFileSync(apiSchemaPath, 'utf8'),
          urls: opts.urls,
          subgraphTimeoutMs,
          requestTimeoutMs,
          logger: opts.logger,
          onExit: opts.onRouterExit,
        })
      : null;
  const gateway = router
    ? router.gateway
    : new ApolloGateway({
        supergraphSdl,
        buildService: ({ name, url }) => new GatewayDataSource(name, opts.urls[name] ?? url!, counter, subgraphTimeoutMs),
      });
  const limits = { maxDepth: opts.maxDepth ?? DEFAULT_LIMITS.maxDepth, maxAliases: opts.maxAliases ?? DEFAULT_LIMITS.maxAliases, maxCost: opts.maxCost ?? DEFAULT_LIMITS.maxCost };
  const armor = armorFor(limits, false);
  const costPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          const cost = cachedOperationCost(schema, document, operation, request.variables ?? {});
          if (cost > limits.maxCost) {
            throw httpError('RATE_LIMITED', `Query cost ${Math.round(cost)} exceeds the limit of ${limits.maxCost} (page sizes and graph traversals such as reusedBy, lineage and deprecationImpact weigh most)`, 400);
          }
        },
      };
    },
  };
  // graphql-js answers an unknown operationName (and some other request-shape problems) with
  // HTTP 500 in Apollo Server; they are the client's mistake.
  const statusPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, response }) {
          if (errors.some((e) => e.extensions?.code === 'OPERATION_RESOLUTION_FAILURE' || /^Unknown operation named/.test(e.message) || /Must provide operation name/.test(e.message))) {
            response.http.status = 400;
          }
        },
      };
    },
  };
  const errors = createErrorLog(opts.logger);
  const formatError = (formatted: Parameters<typeof maskError>[0], error: unknown) => maskError(formatted, error, (e) => errors.log(e));
  const server = new ApolloServer<GatewayContext>({
    gateway,
    // Analysts explore the schema in GraphiQL; callers are authenticated in production anyway.
    // Explicit, because NODE_ENV=production would turn it off.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ...armor.plugins, costPlugin, statusPlugin],
    validationRules: armor.validationRules,
    formatError,
  });
  await server.start();

  const limiter = opts.rateLimiter ?? createRateLimiter(opts.rateLimitPerMinute ?? 0);
  // The caller header is valid for 120 s: sign once per identity per minute rather than per
  // request (3–6% of the gateway's CPU in the flagship profile).
  const signed = new Map<string, { header: Promise<string>; until: number }>();
  const callerHeader = (caller: Identity): Promise<string> => {
    const key = JSON.stringify([caller.sub, caller.anonymous, caller.roles]);
    const now = Date.now();
    const hit = signed.get(key);
    if (hit && hit.until > now) return hit.header;
    if (signed.size > 10_000) signed.clear();
    const header = signCaller(opts.internalKey, caller);
    signed.set(key, { header, until: now + 60_000 });
    return header;
  };
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.get('/health', (_req, res) => {
    // `worker`: which of the gateway's workers answered (gateway/src/workers.ts), when there are several.
    res.json({ status: 'ok', service: 'gateway', ...(cluster.isWorker ? { worker: cluster.worker!.id } : {}) });
  });
  app.get('/', (_req, res) => res.redirect('/graphiql'));
  mountGraphiQL(app);
  // /graphql goes from node:http straight to Apollo Server (kit graphqlHandler), as in the subgraphs.
  const fast = router ? routerFastPath(router, limits.maxCost, formatError) : undefined;
  const graphql = graphqlHandler<GatewayContext, true>(server, {
    ...(fast ? { fast } : {}),
    bodyLimitBytes: 1024 * 1024,
    authenticate: async (req, res) => {
      securityHeaders(req, res);
      // Subgraph fetches time out first; this bounds the whole plan (several sequential fetches).
      const timer = setTimeout(() => {
        if (!res.headersSent) sendJson(res, 503, { errors: [{ message: `The request did not finish within ${requestTimeoutMs} ms`, extensions: { code: 'REQUEST_TIMEOUT' } }] });
      }, requestTimeoutMs);
      res.once('close', () => clearTimeout(timer));
      // Who is asking is settled in the context below, so a refusal is a GraphQL error answer.
      return true;
    },
    context: async (req, _verified, res) => {
      let caller: Identity;
      try {
        caller = await verifier.identify(req.headers.authorization);
      } catch (e) {
        res.setHeader('www-authenticate', 'Bearer');
        throw httpError('UNAUTHENTICATED', (e as Error).message, 401);
      }
      const key = caller.anonymous ? `ip:${req.socket.remoteAddress ?? '?'}` : `sub:${caller.sub}`;
      const wait = await limiter.take(key);
      if (wait > 0) {
        res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
        throw httpError('TOO_MANY_REQUESTS', `More than ${opts.rateLimitPerMinute} requests in a minute from this caller; retry in ${Math.ceil(wait / 1000)} s`, 429);
      }
      return { caller, callerHeader: callerHeader(caller) };
    },
  });
  const listening = await listenApp(
    app,
    opts.host,
    opts.port,
    '/graphql',
    async () => {
      await server.stop();
      await router?.stop();
    },
    graphql,
  );
  return { ...listening, subgraphRequests: counter, engine, ...(router ? { routerUrl: router.url, fastAnswers: () => router.stats.fastAnswers } : {}) };
}

const NEWLINE = Buffer.from('\n');

// The schema's variable coercion from the CommonJS graphql build @apollo/gateway and the API
// schema use (one module instance for graphql's instanceof checks).
const { getVariableValues } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * The hive-router engine's fast path: an operation whose text and name Apollo Server has
 * already parsed, validated (Armor's rules and token limit) and let through the cost plugin is
 * sent to the router without Apollo Server's request pipeline, and the router's answer is
 * written as it came when it has no errors (Apollo Server's format: the same bytes and a final
 * newline). What still runs per request is what depends on the request: the caller's token
 * and rate limit (the shared context), variable coercion and the cost model, which read the
 * variables. Anything that would be refused (a context that fails, variables that do not
 * coerce, a cost over the limit) goes to Apollo Server, which refuses it in its own words; an
 * answer with errors is mapped and masked as the executor's results are
 * (hive-router.ts resultOf, maskError), never sent twice.
 */
function routerFastPath(
  router: HiveRouter,
  maxCost: number,
  formatError: (formatted: Parameters<typeof maskError>[0], error: unknown) => ReturnType<typeof maskError>,
): (request: FastRequest, res: import('node:http').ServerResponse, context: () => Promise<GatewayContext>) => Promise<boolean> {
  return async (request, res, context) => {
    const op = router.validated(request.query, request.operationName);
    if (!op) return false;
    const variables = request.variables ?? {};
    if (getVariableValues(router.schema, op.operation.variableDefinitions ?? [], variables).errors) return false;
    if (cachedOperationCost(router.schema, op.document, op.operation, variables) > maxCost) return false;
    let ctx: GatewayContext;
    try {
      ctx = await context();
    } catch {
      return false;
    }
    const answer = await router.forward(request, await ctx.callerHeader);
    router.stats.fastAnswers += 1;
    if (res.headersSent) {
      res.end();
      return true;
    }
    res.setHeader('content-type', 'application/json; charset=utf-8');
    if (answerHasNoErrors(answer)) {
      res.statusCode = 200;
      let length = NEWLINE.length;
      for (const chunk of answer.chunks) length += chunk.length;
      res.setHeader('content-length', length);
      // Corked, the pieces and the newline leave in one writev, not joined by a copy first.
      res.cork();
      for (const chunk of answer.chunks) res.write(chunk);
      res.end(NEWLINE);
      res.uncork();
      return true;
    }
    const result = resultOf(answer);
    const head = { status: 200, headers: new Map<string, string>() };
    const errors = result.errors?.length ? formatExecutionErrors(result.errors as never, formatError, head) : undefined;
    for (const [key, value] of head.headers) res.setHeader(key, value);
    res.statusCode = head.status;
    res.end(`${JSON.stringify({ errors, data: result.data })}\n`);
    return true;
  };
}
