import net from 'node:net';
import { expect, inject, it, vi } from 'vitest';
import { createLogger } from '@mlops/kit';
import { boltPort } from '@mlops/kit/bolt-socket';
import { Executor, runAll } from './executor.ts';

/** An executor on the test Neo4j. */
const executor = () => {
  const c = inject('neo4j');
  return new Executor({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' }, createLogger('test', 'silent'));
};

// 500 ids make a RUN message of several 1,400-byte chunks.
const IDS = Array.from({ length: 500 }, (_, i) => `target-${String(i).padStart(4, '0')}`);

it('talks to Neo4j over sockets with Nagle off, and a query longer than a Bolt chunk answers as before', async () => {
  const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay');
  const ex = executor();
  try {
    // A query of several chunks: the case Nagle held back.
    const [rows] = await ex.read({ cypher: 'UNWIND $ids AS id RETURN count(DISTINCT id) AS n, max(id) AS last', params: { ids: IDS } });
    expect(rows).toEqual([{ n: 500, last: 'target-0499' }]);
    const noDelay = spy.mock.contexts.filter((s, i) => spy.mock.calls[i]![0] !== false) as net.Socket[];
    expect(noDelay.map((s) => s.remotePort)).toContain(boltPort(inject('neo4j').uri));
  } finally {
    spy.mockRestore();
    await ex.close();
  }
});

it('sends a pipelined read transaction in a few socket writes, not one per Bolt chunk and message', async () => {
  const ex = executor();
  const port = boltPort(inject('neo4j').uri);
  const write = vi.spyOn(net.Socket.prototype as unknown as { _write: () => void }, '_write');
  const writev = vi.spyOn(net.Socket.prototype as unknown as { _writev: () => void }, '_writev');
  const toBolt = (spy: { mock: { contexts: unknown[] } }) => spy.mock.contexts.filter((s) => (s as net.Socket).remotePort === port).length;
  try {
    await ex.read({ cypher: 'RETURN 1 AS x', params: {} }); // connected and authenticated
    write.mockClear();
    writev.mockClear();
    // Seven queries of several 1,400-byte chunks each, as the deprecation impact sends them:
    // one write per chunk and per flushed message was 37 writes; BEGIN, the queries and COMMIT
    // each leave in one.
    const queries = Array.from({ length: 7 }, (_, i) => ({ cypher: `UNWIND $ids AS id RETURN count(id) + ${i} AS n`, params: { ids: IDS } }));
    const rows = await ex.readTransaction((run) => runAll(run, queries));
    expect(rows).toEqual(queries.map((_, i) => [{ n: 500 + i }]));
    expect(toBolt(write) + toBolt(writev)).toBeLessThanOrEqual(3);
  } finally {
    write.mockRestore();
    writev.mockRestore();
    await ex.close();
  }
});
