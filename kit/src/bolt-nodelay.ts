/**
 * TCP_NODELAY for the Bolt sockets neo4j-driver 5 opens.
 *
 * Why: neo4j-driver 5.28 leaves Nagle's algorithm on for its sockets (6.x turns it off in its
 * `configureSocket`). The driver writes a message in 1,400-byte chunks, so a query whose text
 * and parameters pass that size leaves in several writes; with Nagle on, the later ones wait
 * until the server acknowledges the first, and the server delays that ACK. Measured on this
 * repo's local Neo4j (BENCHMARKS.md, "Bolt without Nagle"): a lookup of 625 targets by id took
 * 74 ms instead of 21, and a fleet base model's deprecation impact through the gateway 131 ms
 * instead of 68 at 3,000 targets. The answers are the same; only the waiting goes.
 *
 * How: the driver opens its sockets with `net.connect(port, host)` (`tls.connect` for
 * encrypted ones) through the module object, so wrapping `connect` there reaches it. Only
 * sockets to a registered Bolt port get TCP_NODELAY; every other socket of the process is left
 * exactly as it was. A cluster's members are reached on the port of the URI (Neo4j's default
 * layout); a member on another port keeps Nagle, which costs time, never correctness.
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

/** From now on, sockets this process opens to `uri`'s port are created with TCP_NODELAY. */
export function noDelayForBolt(uri: string): void {
  const wrapped = boltPorts.size > 0;
  boltPorts.add(boltPort(uri));
  if (wrapped) return;
  for (const mod of [net, tls] as { connect: (...args: unknown[]) => net.Socket }[]) {
    const connect = mod.connect;
    mod.connect = function connectWithNoDelay(this: unknown, ...args: unknown[]) {
      const socket = connect.apply(this, args);
      const port = portOf(args);
      if (port !== undefined && boltPorts.has(port)) socket.setNoDelay(true);
      return socket;
    };
  }
}
