/**
 * The subgraph process of a throughput run: the five subgraphs and the built-in platforms of
 * the checkout at BENCH_ROOT (the working tree, or an older commit's git worktree), started
 * through that checkout's own scripts/embedded.ts, on a Neo4j the bench provisioned. Imports
 * nothing from this repository statically, so the code measured is the checkout's.
 *
 * embedded.ts also starts a gateway in this process; it is never called (the bench runs the
 * gateway as its own process in front of these subgraphs). Prints one line
 * `BENCH_SUBGRAPHS {"training":"http://…/graphql",…}` when ready; SIGTERM stops everything.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) {
    process.stderr.write(`throughput-subgraphs: ${name} is required\n`);
    process.exit(2);
  }
  return v;
};

const root = need('BENCH_ROOT');
// The embedded runner's API as both the old and the new checkout have it (extra options are ignored by the old one).
interface EmbeddedLike {
  subgraphs: Record<string, { url: string }>;
  stop(): Promise<void>;
}
const mod = (await import(pathToFileURL(path.join(root, 'scripts/embedded.ts')).href)) as {
  startEmbedded(opts: Record<string, unknown>): Promise<EmbeddedLike>;
};
const system = await mod.startEmbedded({
  targets: Number(process.env.BENCH_TARGETS ?? 300),
  host: '127.0.0.1',
  basePort: 0,
  neo4j: { uri: need('NEO4J_URI'), user: process.env.NEO4J_USER ?? 'neo4j', password: need('NEO4J_PASSWORD'), database: 'neo4j' },
  syncIntervalMs: 0,
  auth: { issuer: need('AUTH_ISSUER'), audience: need('AUTH_AUDIENCE'), secret: need('AUTH_SECRET'), anonymousRole: 'none' },
  internalKey: need('INTERNAL_KEY'),
  gateway: { rateLimitPerMinute: 0 },
});
const urls = Object.fromEntries(Object.entries(system.subgraphs).map(([name, l]) => [name, l.url]));
process.stdout.write(`BENCH_SUBGRAPHS ${JSON.stringify(urls)}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const t = setTimeout(() => process.exit(1), 10_000);
  t.unref();
  await system.stop().catch(() => {});
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
