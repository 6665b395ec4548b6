import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { boltPort, tuneBoltSockets } from './bolt-socket.ts';

/** A listening server on a free port; `onSocket` handles each connection. */
async function listen(onSocket: (s: net.Socket) => void): Promise<net.Server & { port: number }> {
  const server = net.createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

/** A listening server that collects everything its sockets receive, until one ends. */
async function sink(): Promise<net.Server & { port: number; received: () => Promise<string> }> {
  let text = '';
  let ended: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const server = await listen((s) => {
    s.setEncoding('utf8');
    s.on('data', (d: string) => (text += d));
    s.on('end', () => ended());
  });
  return Object.assign(server, { received: () => done.then(() => text) });
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

describe('tuneBoltSockets', () => {
  let bolt: net.Server & { port: number };
  let other: net.Server & { port: number };
  beforeAll(async () => {
    // Servers whose sockets are closed at once: only the client side's options matter.
    bolt = await listen((s) => s.end());
    other = await listen((s) => s.end());
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
    tuneBoltSockets(`bolt://127.0.0.1:${bolt.port}`);
    expect(await noDelaySet(bolt.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
    expect(await noDelaySet(bolt.port, (p) => net.connect({ port: p, host: '127.0.0.1' }))).toBe(true);
    expect(await noDelaySet(other.port, (p) => net.connect(p, '127.0.0.1'))).toBe(false);
    // A second store of the same process adds its port and keeps the first one.
    tuneBoltSockets(`bolt://127.0.0.1:${other.port}`);
    expect(await noDelaySet(other.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
    expect(await noDelaySet(bolt.port, (p) => net.connect(p, '127.0.0.1'))).toBe(true);
  });

  it("sends the writes of one tick to a Bolt port as one writev, in order, and the next tick's writes after them", async () => {
    const server = await sink();
    tuneBoltSockets(`bolt://127.0.0.1:${server.port}`);
    const write = vi.spyOn(net.Socket.prototype as unknown as { _write: () => void }, '_write');
    const writev = vi.spyOn(net.Socket.prototype as unknown as { _writev: (chunks: unknown[]) => void }, '_writev');
    try {
      const socket = net.connect(server.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      for (const part of ['a', 'b', 'c', 'd', 'e']) socket.write(part);
      await new Promise((r) => setImmediate(r));
      socket.write('f');
      socket.end('g');
      expect(await server.received()).toBe('abcdefg');
      expect(writev.mock.calls[0]![0]).toHaveLength(5);
      // The second tick's two writes leave together too: nothing is held past its tick.
      expect(write.mock.calls.length + writev.mock.calls.length).toBe(2);
    } finally {
      write.mockRestore();
      writev.mockRestore();
      server.close();
    }
  });
});
