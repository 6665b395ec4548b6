import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { boltPort, noDelayForBolt } from './bolt-nodelay.ts';

/** A listening server whose sockets are closed at once; resolves with its port. */
async function listen(): Promise<net.Server & { port: number }> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

/** Whether a socket net.connect opens to `port` had TCP_NODELAY turned on. */
async function noDelaySet(port: number, call: (port: number) => net.Socket): Promise<boolean> {
  const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay');
  try {
    const s = call(port);
    await new Promise((r) => s.once('close', r).once('error', r));
    return spy.mock.calls.some((args) => args[0] === true || args[0] === undefined);
  } finally {
    spy.mockRestore();
  }
}

describe('noDelayForBolt', () => {
  let bolt: net.Server & { port: number };
  let other: net.Server & { port: number };
  beforeAll(async () => {
    bolt = await listen();
    other = await listen();
  });
  afterAll(() => {
    bolt.close();
    other.close();
  });

  it('reads the port of a Bolt URI, 7687 when it names none', () => {
    expect(boltPort('bolt://127.0.0.1:40123')).toBe(40123);
    expect(boltPort('neo4j+s://db.example.com')).toBe(7687);
  });

  it('turns Nagle off for sockets to a registered Bolt port, however connect is called, and for no other', async () => {
    expect(await noDelaySet(bolt.port, (p) => net.connect(p, '127.0.0.1'))).toBe(false);
    noDelayForBolt(`bolt://127.0.0.1:${bolt.port}`);
    expect(await noDelaySet(bolt.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
    expect(await noDelaySet(bolt.port, (p) => net.connect({ port: p, host: '127.0.0.1' }))).toBe(true);
    expect(await noDelaySet(other.port, (p) => net.connect(p, '127.0.0.1'))).toBe(false);
    // A second store of the same process adds its port and keeps the first one.
    noDelayForBolt(`bolt://127.0.0.1:${other.port}`);
    expect(await noDelaySet(other.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
    expect(await noDelaySet(bolt.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
  });
});
