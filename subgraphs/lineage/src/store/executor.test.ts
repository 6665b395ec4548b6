import net from 'node:net';
import { expect, inject, it, vi } from 'vitest';
import { createLogger } from '@mlops/kit';
import { boltPort } from '@mlops/kit/bolt-nodelay';
import { Executor } from './executor.ts';

it('talks to Neo4j over sockets with Nagle off, and a query longer than a Bolt chunk answers as before', async () => {
  const c = inject('neo4j');
  const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay');
  const ex = new Executor({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' }, createLogger('test', 'silent'));
  try {
    // 500 ids make a RUN message of several 1,400-byte chunks: the case Nagle held back.
    const ids = Array.from({ length: 500 }, (_, i) => `target-${String(i).padStart(4, '0')}`);
    const [rows] = await ex.read({ cypher: 'UNWIND $ids AS id RETURN count(DISTINCT id) AS n, max(id) AS last', params: { ids } });
    expect(rows).toEqual([{ n: 500, last: 'target-0499' }]);
    const noDelay = spy.mock.contexts.filter((s, i) => spy.mock.calls[i]![0] !== false) as net.Socket[];
    expect(noDelay.map((s) => s.remotePort)).toContain(boltPort(c.uri));
  } finally {
    spy.mockRestore();
    await ex.close();
  }
});
