/**
 * The connectors package's one file that touches neo4j-driver: read-only sessions over the
 * lineage graph's Neo4j, for the OpenLineage catalog. Every transaction is a read with a
 * server-side timeout; sessions name the database and close in `finally`. Driver failures
 * become ConnectorErrors naming the catalog platform, without the driver's message (it names
 * hosts and ports).
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { ConnectorError } from '@mlops/kit';
import { tuneBoltSockets } from '@mlops/kit/bolt-socket';

export interface Neo4jReadConfig {
  uri: string;
  user: string;
  password: string;
  database: string;
  /** Server-side limit on each read, in ms (default 5,000). */
  queryTimeoutMs?: number;
  maxPoolSize?: number;
}

export interface ReadQuery {
  cypher: string;
  params: Record<string, unknown>;
}

const toNeo4j = (v: unknown): unknown => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return neo4j.int(v);
  if (Array.isArray(v)) return v.map(toNeo4j);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNeo4j(x)]));
  return v;
};

export class Neo4jReader {
  private readonly driver: Driver;

  constructor(
    private readonly config: Neo4jReadConfig,
    private readonly platform: string,
  ) {
    // Bolt without Nagle's algorithm, a tick's writes together (kit/bolt-socket.ts): a long query otherwise waits on a delayed ACK.
    tuneBoltSockets(config.uri);
    this.driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password), {
      disableLosslessIntegers: true,
      connectionTimeout: 3_000,
      maxConnectionPoolSize: config.maxPoolSize ?? 20,
      connectionAcquisitionTimeout: 3_000,
      maxTransactionRetryTime: 3_000,
    });
  }

  async read(q: ReadQuery): Promise<Record<string, any>[]> {
    const session = this.driver.session({ database: this.config.database, defaultAccessMode: neo4j.session.READ });
    try {
      return await session.executeRead(
        async (tx) => (await tx.run(q.cypher, toNeo4j(q.params) as Record<string, unknown>)).records.map((r) => r.toObject() as Record<string, any>),
        { timeout: this.config.queryTimeoutMs ?? 5_000 },
      );
    } catch (e) {
      const code = (e as { code?: string })?.code ?? '';
      const timeout = /TransactionTimedOut/.test(code);
      throw new ConnectorError(this.platform, timeout ? 'TIMEOUT' : 'UNAVAILABLE', timeout ? 'the OpenLineage store did not answer in time' : 'the OpenLineage store (Neo4j) is unavailable', { cause: code });
    } finally {
      await session.close();
    }
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
