/**
 * The lineage subgraph's background work: apply migrations, sync every platform now and then
 * every `intervalMs`. A failed pass (database down) is logged and retried on the next tick, so
 * the subgraph recovers by itself when the database is back.
 */
import type { Logger } from '@mlops/kit';
import type { LineageStore } from './store/types.ts';
import { syncOnce, type SyncReport, type SyncSources } from './sync/sync.ts';

export interface SyncLoop {
  /** Runs one pass now (also used by tests and the bench). */
  runOnce(): Promise<SyncReport[]>;
  stop(): void;
}

export function startSyncLoop(store: LineageStore, sources: SyncSources, logger: Logger, intervalMs: number): SyncLoop {
  let initialised = false;
  let running: Promise<SyncReport[]> | null = null;
  const runOnce = () => {
    // One pass at a time: a slow pass is never overlapped by the next tick.
    running ??= (async () => {
      try {
        if (!initialised) {
          await store.init();
          initialised = true;
        }
        const t0 = Date.now();
        const reports = await syncOnce(store, sources);
        logger.info({ ms: Date.now() - t0, reports }, 'lineage sync pass');
        return reports;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          runOnce().catch((e) => {
            initialised = false;
            logger.warn({ err: (e as Error).message }, 'lineage sync pass failed; retrying next tick');
          });
        }, intervalMs)
      : null;
  timer?.unref();
  return { runOnce, stop: () => timer && clearInterval(timer) };
}
