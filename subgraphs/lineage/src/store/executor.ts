/**
 * The one file that touches neo4j-driver. Sessions always name the database and close in
 * `finally`; writes go through executeWrite (retried on transient errors, so every write
 * must be idempotent). Connection failures become LINEAGE_STORE_UNAVAILABLE without the
 * driver's message (it names hosts and ports).
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { appError, type Logger } from '@mlops/kit';
import type { Query } from '../cypher/query.ts';

export interface Neo4jConfig {
  uri: string;
  user: string;
  password: string;
  database: string;
}

const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.ClientError.Security.AuthenticationRateLimit']);

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

export class Executor {
  private readonly driver: Driver;

  constructor(
    private readonly config: Neo4jConfig,
    private readonly logger: Logger,
  ) {
    this.driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
      // Numbers come back as JS numbers: every count and version here is far below 2^53.
      disableLosslessIntegers: true,
      // Fail fast when the database is down, so the gateway answers the other subgraphs' fields.
      connectionTimeout: 3_000,
      connectionAcquisitionTimeout: 5_000,
      maxTransactionRetryTime: 5_000,
      logging: { level: 'error', logger: (_level, message) => logger.error({ neo4j: message }, 'neo4j driver') },
    });
  }

  private wrap(e: unknown): never {
    const code = (e as { code?: string })?.code ?? '';
    this.logger.error({ err: e }, 'neo4j call failed');
    if (UNAVAILABLE.has(code) || /ECONNREFUSED|ECONNRESET|connect|Pool is closed|acquisition timed out/i.test(String((e as Error)?.message))) {
      throw appError('LINEAGE_STORE_UNAVAILABLE', 'The lineage graph database is unavailable; lineage fields cannot be answered right now');
    }
    throw e;
  }

  private static async run(tx: ManagedTransaction, q: Query) {
    const res = await tx.run(q.cypher, toNeo4j(q.params) as Record<string, unknown>);
    return res.records.map((r) => r.toObject() as Record<string, any>);
  }

  /** Runs read queries in one read transaction; one result array per query. */
  read(...queries: Query[]): Promise<Record<string, any>[][]> {
    return this.runAll('READ', queries);
  }

  /** Runs write queries in one write transaction (all or nothing). */
  write(...queries: Query[]): Promise<Record<string, any>[][]> {
    return this.runAll('WRITE', queries);
  }

  private async runAll(mode: 'READ' | 'WRITE', queries: Query[]): Promise<Record<string, any>[][]> {
    const session = this.driver.session({ database: this.config.database, defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE });
    const work = async (tx: ManagedTransaction) => {
      const out: Record<string, any>[][] = [];
      for (const q of queries) out.push(await Executor.run(tx, q));
      return out;
    };
    try {
      return await (mode === 'READ' ? session.executeRead(work) : session.executeWrite(work));
    } catch (e) {
      return this.wrap(e);
    } finally {
      await session.close();
    }
  }

  /**
   * An interactive write transaction: `work` runs queries through `run` and may decide in JS
   * between them. Retried whole on transient errors, so `work` must be free of side effects.
   */
  async transaction<T>(work: (run: (q: Query) => Promise<Record<string, any>[]>) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.config.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => work((q) => Executor.run(tx, q)));
    } catch (e) {
      // Errors thrown by `work` itself (a refused transition) pass through untouched.
      if (e instanceof neo4j.Neo4jError) return this.wrap(e);
      throw e;
    } finally {
      await session.close();
    }
  }

  /** Schema statements (constraints, indexes) must run in their own auto-commit transactions. */
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
