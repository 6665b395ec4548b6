/**
 * The gateway on several cores. One Node process executes one request at a time, and under the
 * flagship load the gateway process was the first to reach 100% of a core while the subgraphs
 * and Neo4j left the other core partly idle (BENCHMARKS.md). With `gateway.workers` > 1 the
 * gateway's process becomes a node:cluster primary that forks that many workers; they share the
 * listening port (the primary hands out connections round-robin) and each runs the whole gateway.
 *
 * What must not multiply with the workers stays in the primary: the per-caller rate-limit
 * buckets (rate-limit.ts, asked over the IPC channel). Everything else the gateway keeps is a
 * per-process cache (plans, signed caller headers), so it may be duplicated.
 *
 * A worker that dies before it listens stops the gateway (a bad configuration or a taken port
 * would only crash again); one that dies later is replaced, and logged. A connection the primary
 * handed to a worker in the instant it died gets no answer (node:cluster does not hand it on):
 * the client's timeout covers it, as for any crashed server.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@mlops/kit';
import { createRateLimiter, isRateAsk, type RateAnswer } from './rate-limit.ts';

export interface PrimaryOptions {
  workers: number;
  rateLimitPerMinute: number;
  logger: Logger;
  /** Logged once every worker listens. */
  url: string;
}

export function runPrimary(opts: PrimaryOptions): void {
  const limiter = createRateLimiter(opts.rateLimitPerMinute);
  let stopping = false;
  let listening = 0;
  const everListened = new WeakSet<Worker>();

  cluster.on('message', (worker, m: unknown) => {
    if (!isRateAsk(m)) return;
    const answer: RateAnswer = { type: 'mlops:rate-wait', id: m.id, wait: limiter.take(m.key) };
    if (worker.isConnected()) worker.send(answer);
  });
  cluster.on('listening', (worker) => {
    everListened.add(worker);
    if (++listening === opts.workers) opts.logger.info({ url: opts.url, workers: opts.workers }, 'gateway ready');
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!everListened.has(worker)) {
      opts.logger.error({ worker: worker.id, code, signal }, 'a gateway worker exited before it listened; stopping the gateway');
      stop(1);
      return;
    }
    opts.logger.error({ worker: worker.id, code, signal }, 'a gateway worker exited; starting another');
    cluster.fork();
  });

  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    // Each worker stops its server (runUntilSignal) and exits; the primary follows the last one.
    let left = alive.length;
    if (left === 0) process.exit(code);
    const force = setTimeout(() => process.exit(code), 10_000);
    force.unref();
    for (const w of alive) {
      w.once('exit', () => {
        if (--left === 0) process.exit(code);
      });
      w.process.kill('SIGTERM');
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => stop(0));
  for (let i = 0; i < opts.workers; i++) cluster.fork();
}

/** In a worker: exit when the primary is gone, rather than serve without its rate limits. */
export function exitWithPrimary(logger: Logger): void {
  process.once('disconnect', () => {
    logger.error({}, 'the gateway primary went away; this worker stops');
    process.exit(1);
  });
}
