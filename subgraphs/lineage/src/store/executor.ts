/**
 * The one file that touches neo4j-driver. Sessions always name the database and close in
 * `finally`; writes go through executeWrite (retried on transient errors, so every write
 * must be idempotent). Every transaction carries a server-side timeout, so no request holds a
 * connection longer than that; the pool is bounded and waiting for a connection is bounded too.
 * Connection failures, timeouts and queries stopped at the memory limit become
 * LINEAGE_STORE_UNAVAILABLE (with `reason` TIMEOUT or TOO_LARGE for the last two) without the
 * driver's message, which names hosts and ports.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { appError, type Logger } from '@mlops/kit';
import { tuneBoltSockets } from '@mlops/kit/bolt-socket';
import type { Query } from '../cypher/query.ts';

export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string;
  database: string;
  /** Server-side limit on each read transaction, in ms (default 5,000): the server stops it. */
  queryTimeoutMs?: number;
  /**
   * Server-side limit on each write transaction, in ms (default 30,000). Longer than reads:
   * a sync page of 2,000 records takes about a second on a quiet machine, and a page cut by a
   * loaded one would be retried from the same watermark forever.
   */
  writeTimeoutMs?: number;
  /** Connections in the driver's pool (default 50). */
  maxPoolSize?: number;
  /** How long a transaction waits for a free connection before failing, in ms (default 3,000). */
  acquisitionTimeoutMs?: number;
  /**
   * Graph traversals (reuse, impact, usage, lineage walks, trained-on, fleet questions) run
   * at once per process (default 4); lookups by id and writes do not count.
   */
  maxConcurrentTraversals?: number;
  /** How long a traversal waits for its turn before failing as busy, in ms (default 5,000). */
  traversalWaitMs?: number;
  /**
   * A model version whose deprecation-impact walk returned at least this many rows (derived
   * models and derived-serving targets together) gets an impact summary, refreshed in the
   * background and kept exact by every write (default 1,000; 0: never). See the store's `impact`.
   */
  impactSummaryMin?: number;
  /**
   * A store that starts on a graph of at least this many nodes has Neo4j plan its batch writes
   * at `init` (`replanWrites`), so the first sync pass does not (default 10,000).
   */
  replanAtNodes?: number;
}

export const NEO4J_DEFAULTS = {
  queryTimeoutMs: 5_000,
  writeTimeoutMs: 30_000,
  maxPoolSize: 50,
  acquisitionTimeoutMs: 3_000,
  maxConcurrentTraversals: 4,
  traversalWaitMs: 5_000,
  impactSummaryMin: 1_000,
  replanAtNodes: 10_000,
} as const;

/** How long a read or write is retried on transient errors (the driver's, and autoCommitRead's). */
const MAX_RETRY_MS = 5_000;

const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.ClientError.Security.AuthenticationRateLimit']);
/**
 * The query wanted more memory than a transaction (or all of them together) may use. Neo4j
 * calls these transient, so the driver would retry them for maxTransactionRetryTime: the
 * most expensive query would run again and again exactly when the server is short of memory.
 * They are rethrown as TooLarge (not a Neo4jError, so never retried) and end the request.
 */
const OUT_OF_MEMORY = new Set(['Neo.TransientError.General.MemoryPoolOutOfMemoryError', 'Neo.TransientError.General.TransactionOutOfMemoryError', 'Neo.TransientError.General.OutOfMemoryError']);

class TooLarge extends Error {
  constructor(readonly neo4jCode: string) {
    super('query exceeded the memory limit');
  }
}

/**
 * The server stopped the transaction at our timeout (…ClientConfiguration) or at its own
 * `db.transaction.timeout`. A transaction stopped while it waited on a lock (another write
 * held it past our limit) reports LockClientStopped instead.
 */
const TIMED_OUT = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.LockClientStopped',
  'Neo.TransientError.Transaction.LockClientStopped',
]);

/**
 * JS numbers travel as floats; LIMIT/SKIP need integers and stored versions, counts and
 * percentages should be integers, so every safe integer becomes a Neo4j integer.
 */
function toNeo4j(v: unknown): unknown {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return neo4j.int(v);
  if (Array.isArray(v)) return v.map(toNeo4j);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNeo4j(x)]));
  return v;
}

/**
 * The driver records the caller's stack trace in every Result it creates (new Error().stack), to
 * append to a later error. Under tsx each frame is then looked up in a source map: 9.3% of the
 * lineage process's CPU in the flagship profile. Our errors are wrapped or logged by code and
 * message here, so the Result is created with no frames (the limit is restored at once; the
 * Result is built synchronously inside run): 0.78x the client CPU per lookup (330 vs 425 us,
 * 270 vs 350 us, at 8 concurrent lookups of 50 targets on the 30,000-target graph).
 */
function withoutCallerStack<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Runs one query inside a transaction; rows as plain objects. */
export type Run = (q: Query) => Promise<Record<string, any>[]>;

export class Executor {
  private readonly driver: Driver;
  private readonly limits: Required<Pick<Neo4jConfig, 'queryTimeoutMs' | 'writeTimeoutMs' | 'maxPoolSize' | 'acquisitionTimeoutMs'>>;

  constructor(
    private readonly config: Neo4jConfig,
    private readonly logger: Logger,
  ) {
    this.limits = {
      queryTimeoutMs: config.queryTimeoutMs ?? NEO4J_DEFAULTS.queryTimeoutMs,
      writeTimeoutMs: config.writeTimeoutMs ?? NEO4J_DEFAULTS.writeTimeoutMs,
      maxPoolSize: config.maxPoolSize ?? NEO4J_DEFAULTS.maxPoolSize,
      acquisitionTimeoutMs: config.acquisitionTimeoutMs ?? NEO4J_DEFAULTS.acquisitionTimeoutMs,
    };
    // Bolt without Nagle's algorithm, and a tick's writes in one writev (kit/bolt-socket.ts).
    tuneBoltSockets(config.uri);
    this.driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
      // Numbers come back as JS numbers: every count and version here is far below 2^53.
      disableLosslessIntegers: true,
      // Fail fast when the database is down, so the gateway answers the other subgraphs' fields.
      connectionTimeout: 3_000,
      maxConnectionPoolSize: this.limits.maxPoolSize,
      connectionAcquisitionTimeout: this.limits.acquisitionTimeoutMs,
      maxTransactionRetryTime: MAX_RETRY_MS,
      logging: { level: 'error', logger: (_level, message) => logger.error({ neo4j: message }, 'neo4j driver') },
    });
  }

  private wrap(e: unknown, mode: 'READ' | 'WRITE' = 'READ'): never {
    if (e instanceof TooLarge) {
      this.logger.warn({ neo4jCode: e.neo4jCode }, 'neo4j transaction stopped at the memory limit');
      throw appError(
        'LINEAGE_STORE_UNAVAILABLE',
        'The lineage graph query needed more memory than one query may use and was stopped; ask for less (a lower limit, depth or maxNodes)',
        { reason: 'TOO_LARGE' },
      );
    }
    const code = (e as { code?: string })?.code ?? '';
    const message = String((e as Error)?.message);
    if (TIMED_OUT.has(code)) {
      // Expected under load and caused by the query's size: one line, no stack.
      this.logger.warn({ neo4jCode: code, timeoutMs: mode === 'READ' ? this.limits.queryTimeoutMs : this.limits.writeTimeoutMs }, 'neo4j transaction timed out');
      throw appError(
        'LINEAGE_STORE_UNAVAILABLE',
        `The lineage graph query did not finish within its time limit and was stopped; ask for less (a lower limit, depth or maxNodes) or retry later`,
        { reason: 'TIMEOUT' },
      );
    }
    if (UNAVAILABLE.has(code) || /ECONNREFUSED|ECONNRESET|connect|Pool is closed|acquisition timed out/i.test(message)) {
      this.logger.error({ neo4jCode: code, err: message }, 'neo4j unavailable');
      throw appError('LINEAGE_STORE_UNAVAILABLE', 'The lineage graph database is unavailable; lineage fields cannot be answered right now');
    }
    this.logger.error({ err: e }, 'neo4j call failed');
    throw e;
  }

  private static async run(tx: ManagedTransaction, q: Query) {
    try {
      const res = await withoutCallerStack(() => tx.run(q.cypher, toNeo4j(q.params) as Record<string, unknown>));
      return res.records.map((r) => r.toObject() as Record<string, any>);
    } catch (e) {
      const code = (e as { code?: string })?.code ?? '';
      throw OUT_OF_MEMORY.has(code) ? new TooLarge(code) : e;
    }
  }

  /**
   * Runs read queries in one read transaction; one result array per query. A single query
   * runs as an auto-commit transaction: BEGIN, RUN and PULL then COMMIT are two round trips
   * and four messages, auto-commit is one round trip and two messages (measured on the driver:
   * 0.30 instead of 0.46-0.76 ms of client CPU per lookup, 0.43 instead of 0.57-0.82 ms wall).
   * A lone query needs no transaction to see one snapshot.
   */
  read(...queries: Query[]): Promise<Record<string, any>[][]> {
    if (queries.length === 1) return this.autoCommitRead(queries[0]!).then((rows) => [rows]);
    return this.tx('READ', (run) => runAll(run, queries));
  }

  /**
   * One read in an auto-commit transaction, with the server-side timeout, retried on the
   * errors executeRead retries (a lost connection, a transient server error) for as long
   * and with the same backoff as the driver (maxTransactionRetryTime, 1 s doubling, ±20%).
   */
  private async autoCommitRead(q: Query): Promise<Record<string, any>[]> {
    const start = Date.now();
    for (let delay = 1_000; ; delay *= 2) {
      const session = this.driver.session({ database: this.config.database, defaultAccessMode: neo4j.session.READ });
      try {
        const res = await withoutCallerStack(() => session.run(q.cypher, toNeo4j(q.params) as Record<string, unknown>, { timeout: this.limits.queryTimeoutMs }));
        return res.records.map((r) => r.toObject() as Record<string, any>);
      } catch (e) {
        const code = (e as { code?: string })?.code ?? '';
        if (OUT_OF_MEMORY.has(code)) return this.wrap(new TooLarge(code));
        if (!(e instanceof neo4j.Neo4jError)) throw e;
        const wait = delay * (0.8 + Math.random() * 0.4);
        if (!neo4j.isRetriableError(e) || Date.now() - start + wait > MAX_RETRY_MS) return this.wrap(e, 'READ');
        await new Promise((r) => setTimeout(r, wait));
      } finally {
        await session.close();
      }
    }
  }

  /** Runs write queries in one write transaction (all or nothing). */
  write(...queries: Query[]): Promise<Record<string, any>[][]> {
    return this.tx('WRITE', (run) => runAll(run, queries));
  }

  /**
   * Runs write queries in a transaction that is then rolled back: nothing is stored, but Neo4j
   * plans each statement with the graph's statistics of now and caches the plan.
   */
  async rehearse(...queries: Query[]): Promise<void> {
    const session = this.driver.session({ database: this.config.database, defaultAccessMode: neo4j.session.WRITE });
    const tx = session.beginTransaction({ timeout: this.limits.writeTimeoutMs });
    try {
      for (const q of queries) await tx.run(q.cypher, toNeo4j(q.params) as Record<string, unknown>);
    } catch (e) {
      if (e instanceof neo4j.Neo4jError) this.wrap(e, 'WRITE');
      throw e;
    } finally {
      // A failed statement has already ended the transaction; rolling back again is harmless.
      await tx.rollback().catch(() => undefined);
      await session.close();
    }
  }

  /**
   * An interactive read transaction (one session, one connection): `work` runs queries through
   * `run` and decides in JS between them, e.g. a breadth-first walk level by level. Retried
   * whole on transient errors, so `work` must be free of side effects.
   */
  readTransaction<T>(work: (run: Run) => Promise<T>): Promise<T> {
    return this.tx('READ', work);
  }

  /** The same for writes: `work` may decide between queries; retried whole, so idempotent. */
  transaction<T>(work: (run: Run) => Promise<T>): Promise<T> {
    return this.tx('WRITE', work);
  }

  private async tx<T>(mode: 'READ' | 'WRITE', work: (run: Run) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.config.database, defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
    const unit = (tx: ManagedTransaction) => work((q) => Executor.run(tx, q));
    try {
      return await (mode === 'READ'
        ? session.executeRead(unit, { timeout: this.limits.queryTimeoutMs })
        : session.executeWrite(unit, { timeout: this.limits.writeTimeoutMs }));
    } catch (e) {
      // Errors thrown by `work` itself (a refused transition) pass through untouched.
      if (e instanceof neo4j.Neo4jError || e instanceof TooLarge) return this.wrap(e, mode);
      throw e;
    } finally {
      await session.close();
    }
  }

  /**
   * Schema statements (constraints, indexes) and the test-only wipe must run in their own
   * auto-commit transactions. They run at start-up or in tests, never for a client request,
   * and may legitimately take longer than a query, so they carry no timeout.
   */
  async schema(statement: string): Promise<void> {
    const session = this.driver.session({ database: this.config.database });
    try {
      await session.run(statement);
    } catch (e) {
      this.wrap(e);
    } finally {
      await session.close();
    }
  }

  async ping(): Promise<void> {
    try {
      await this.driver.getServerInfo({ database: this.config.database });
    } catch (e) {
      this.wrap(e);
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/**
 * Every query is sent before the first answer is read: the driver pipelines them on the
 * transaction's one connection and the server runs them in order, so n queries cost one round
 * trip instead of n (the 7 deprecation-impact queries of a champion: 8.3-10.6 -> 7.1-7.8 ms at
 * 30,000 targets). A failing query fails the transaction, and with it the others.
 */
export function runAll(run: Run, queries: readonly Query[]): Promise<Record<string, any>[][]> {
  return Promise.all(queries.map((q) => run(q)));
}
