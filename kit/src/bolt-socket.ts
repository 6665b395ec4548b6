/**
 * Socket settings for the Bolt connections neo4j-driver 5 opens: TCP_NODELAY, and the writes of
 * one tick sent together.
 *
 * Why TCP_NODELAY: neo4j-driver 5.28 leaves Nagle's algorithm on for its sockets (6.x turns it
 * off in its `configureSocket`). The driver writes a message in 1,400-byte chunks, so a query
 * whose text and parameters pass that size leaves in several writes; with Nagle on, the later
 * ones wait until the server acknowledges the first, and the server delays that ACK. Measured on
 * this repo's local Neo4j (BENCHMARKS.md, "Bolt without Nagle"): a lookup of 625 targets by id
 * took 74 ms instead of 21, and a fleet base model's deprecation impact through the gateway
 * 131 ms instead of 68 at 3,000 targets.
 *
 * Why coalesce: with Nagle off every one of those writes is a system call and a TCP segment of
 * its own, and Neo4j reads each. The driver writes each chunk (at most 1,400 bytes) and each
 * flushed message separately: BEGIN, then RUN and PULL for every query of a pipelined read
 * (subgraphs/lineage's `runAll`), then COMMIT. The first write of a tick corks the socket and
 * the tick's end uncorks it, so what the driver wrote in one synchronous stretch leaves as one
 * `writev`. Nothing waits longer than the current tick: the bytes and their order are the same
 * (measured in BENCHMARKS.md, "Bolt writes per tick").
 *
 * How: the driver opens its sockets with `net.connect(port, host)` (`tls.connect` for
 * encrypted ones) through the module object, so wrapping `connect` there reaches it. Only
 * sockets to a registered Bolt port are changed; every other socket of the process is left
 * exactly as it was. A cluster's members are reached on the port of the URI (Neo4j's default
 * layout); a member on another port keeps the defaults, which costs time, never correctness.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Ports registered so far; `connect` is wrapped when the first one is. */
const boltPorts = new Set<number>();

/** The TCP port of a bolt://, neo4j:// (or +s, +ssc) URI; 7687 when it names none. */
export function boltPort(uri: string): number {
  const port = new URL(uri).port;
  return port ? Number(port) : 7687;
}

/** The port `net.connect` / `tls.connect` was asked for: `(port, host)` or `({ port })` (a string is a socket path). */
function portOf(args: readonly unknown[]): number | undefined {
  const first = args[0];
  if (typeof first === 'number') return first;
  if (first && typeof first === 'object' && 'port' in first) return Number((first as { port: unknown }).port);
  return undefined;
}

/** The writes made to `socket` within one tick leave together, as one `writev`, when the tick ends. */
function coalesceWritesPerTick(socket: net.Socket): void {
  const write = socket.write;
  const uncork = () => socket.uncork();
  socket.write = function writeInTick(this: net.Socket, ...args: unknown[]) {
    // Corked already: by an earlier write of this tick, whose nextTick uncorks it.
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as net.Socket['write'];
}

/** From now on, sockets this process opens to `uri`'s port get TCP_NODELAY and coalesced writes. */
export function tuneBoltSockets(uri: string): void {
  const wrapped = boltPorts.size > 0;
  boltPorts.add(boltPort(uri));
  if (wrapped) return;
  for (const mod of [net, tls] as { connect: (...args: unknown[]) => net.Socket }[]) {
    const connect = mod.connect;
    mod.connect = function connectToBolt(this: unknown, ...args: unknown[]) {
      const socket = connect.apply(this, args);
      const port = portOf(args);
      if (port !== undefined && boltPorts.has(port)) {
        socket.setNoDelay(true);
        coalesceWritesPerTick(socket);
      }
      return socket;
    };
  }
}
