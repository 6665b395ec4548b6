/**
 * A subgraph executor compiled per operation with graphql-jit instead of graphql-js's
 * interpreter (issue 11, goal 3: subgraph CPU per flagship request).
 *
 * Why a "gateway": Apollo Server 5 has no option to replace `execute` for a plain schema; its
 * gateway interface is the supported seam (load() hands it an executor, onSchemaLoadOrUpdate
 * hands it the schema). Parsing, validation (GraphQL Armor's rules included), plugins and
 * formatError run exactly as before; only execution changes.
 *
 * Compiled operations are cached per (document, operation name) in a bounded LRU: the
 * gateway sends a handful of distinct operation shapes with the values in variables, so the
 * cache hits, while a caller sending endless distinct documents only costs compile time, not
 * memory.
 */
import { createRequire } from 'node:module';
import type { ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';

// @apollo/server does not re-export its gateway interface's types; take them from its options.
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
export type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/**
 * Apollo Server's gateway interface over a fixed schema and an executor: the seam that replaces
 * execution while parsing, validation, plugins and formatError stay Apollo Server's (this
 * file's graphql-jit executor, the gateway's hive-router engine).
 */
export function executorGateway(schema: GraphQLSchema, executor: GatewayExecutor, coreSupergraphSdl = ''): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

export interface JitExecutor {
  gateway: GatewayInterface;
  /**
   * The compiled operation for a query text and operation name (as the client sent them) that
   * Apollo Server has already parsed, validated (GraphQL Armor's rules and token limit included)
   * and executed once, or undefined. Validation depends on the document and the schema only, so
   * the same text needs no second pass; see server.ts' fast path.
   */
  validated(source: string, operationName: string | null | undefined): CompiledQuery | undefined;
  /** Compiled operations held now, and how many were compiled since start (for tests and benches). */
  stats(): { cached: number; compiled: number; validated: number };
}

/**
 * graphql-jit's errors are its own GraphQLError look-alike whose properties are read-only, and
 * plugins rewrite `message` in place (GraphQL Armor's field-suggestion filter), which throws.
 * Copy each onto the same prototype (so `instanceof GraphQLError` holds for whichever graphql
 * module instance Apollo Server checks against) with a writable message. An answer without
 * errors, the hot path, is returned untouched.
 */
function withWritableErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const copy = Object.create(Object.getPrototypeOf(e) as object) as GraphQLError;
    Object.defineProperties(copy, {
      message: { value: e.message, writable: true, enumerable: true },
      locations: { value: e.locations, writable: true, enumerable: e.locations !== undefined },
      path: { value: e.path, writable: true, enumerable: e.path !== undefined },
      originalError: { value: e.originalError, writable: true },
      // graphql-js always has an extensions object, and Apollo Server reads codes from it.
      extensions: { value: e.extensions ?? Object.create(null), writable: true, enumerable: true },
      stack: { value: e.stack, writable: true, configurable: true },
    });
    return copy;
  });
  // graphql-js puts errors before data; keep its order so answers are the same bytes.
  const { data, extensions } = result;
  return { errors, ...('data' in result ? { data } : {}), ...(extensions ? { extensions } : {}) };
}

// graphql's package has `main` (CommonJS) and `module` (ESM) builds and no `exports` map: Node
// and Apollo Server load the CommonJS one, while a bundler (vitest) may hand this file the ESM
// one, whose GraphQLError fails Apollo Server's instanceof. Take execute from where Node does.
const { execute } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

let compiledInProcess = 0;
/** Operations compiled by every jit executor of this process (tests prove the jit path ran). */
export const compiledOperations = () => compiledInProcess;

export function jitGateway(schema: GraphQLSchema, opts: { maxCached?: number } = {}): JitExecutor {
  const maxCached = opts.maxCached ?? 500;
  const cache = new Map<string, CompiledQuery>();
  // Keyed by the query text itself: the fast path looks it up before anything is hashed or parsed.
  const bySource = new Map<string, CompiledQuery>();
  let compiled = 0;
  const executor: GatewayExecutor = async (rc) => {
    // The operation name the client asked for, not the one Apollo Server resolved: for an unknown
    // name Apollo resolves none (null), and compiling for null would run a document's only
    // operation instead of answering "Unknown operation named".
    const operationName = rc.request.operationName ?? undefined;
    const key = `${rc.queryHash}\u0000${operationName ?? ''}`;
    let query = cache.get(key);
    if (query) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      cache.delete(key);
      cache.set(key, query);
    } else {
      const result = compile(rc);
      // Not compilable (e.g. an operation name that is not in the document, or a valid operation
      // graphql-jit cannot handle): the interpreter answers, so it is answered and the errors
      // are graphql-js' own.
      if (result === null || !isCompiledQuery(result)) return interpret(rc);
      query = result;
      compiled += 1;
      compiledInProcess += 1;
      cache.set(key, query);
      if (cache.size > maxCached) cache.delete(cache.keys().next().value!);
    }
    const sourceKey = `${rc.source}\u0000${operationName ?? ''}`;
    if (!bySource.has(sourceKey)) {
      bySource.set(sourceKey, query);
      if (bySource.size > maxCached) bySource.delete(bySource.keys().next().value!);
    }
    const result = await query.query(undefined, rc.context, rc.request.variables ?? {});
    // No `data`: the request failed before any resolver ran (variables that do not coerce).
    // Apollo Server recognises graphql-js's own error for that (BAD_USER_INPUT), so let it
    // produce it; no resolver runs twice.
    if (!('data' in result)) return interpret(rc);
    return withWritableErrors(result);
  };
  const compile = (rc: Parameters<GatewayExecutor>[0]) => {
    try {
      // Resolver errors are masked by formatError anyway; capturing a stack per error is waste.
      return compileQuery(schema, rc.document, rc.request.operationName ?? undefined, { disablingCapturingStackErrors: true });
    } catch {
      return null;
    }
  };
  const interpret: GatewayExecutor = async (rc) =>
    execute({ schema, document: rc.document, operationName: rc.request.operationName, variableValues: rc.request.variables ?? {}, contextValue: rc.context });
  const gateway = executorGateway(schema, executor);
  return {
    gateway,
    validated: (source, operationName) => bySource.get(`${source}\u0000${operationName ?? ''}`),
    stats: () => ({ cached: cache.size, compiled, validated: bySource.size }),
  };
}
