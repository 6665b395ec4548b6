/**
 * The lineage subgraph's background work: apply migrations, sync every platform now and then
 * every `intervalMs`. A failed pass (database down) is logged and retried on the next tick, so
 * the subgraph recovers by itself when the database is back.
 *
 * Besides the periodic pass (the fallback), a platform's webhook asks for an incremental pass of
 * the training platform (`trigger`): calls within `debounceMs` are merged into one pass, and
 * passes never overlap (a trigger during a pass runs one more pass after it, which sees the
 * change that triggered it).
 */
import type { Logger } from '@mlops/kit';
import type { LineageStore } from './store/types.ts';
import { refreshModelVersions, syncOnce, type SyncReport, type SyncSources } from './sync/sync.ts';

export interface SyncLoop {
  /** Runs one pass now (also used by tests and the bench). */
  runOnce(): Promise<SyncReport[]>;
  /**
   * Asks for an incremental pass of the training platform, re-reading these model versions by id
   * (their change may not have moved the platform's watermark). Debounced; resolves when the pass
   * that includes this call is done (rejects if it failed).
   */
  trigger(modelVersionIds?: readonly string[]): Promise<void>;
  /** Incremental passes run so far (what a webhook caused; tests and logs read it). */
  readonly incrementalPasses: number;
  stop(): void;
}

export interface SyncLoopOptions {
  /** How long a trigger waits for more triggers before the pass starts (default 200 ms). */
  debounceMs?: number;
}

export function startSyncLoop(store: LineageStore, sources: SyncSources, logger: Logger, intervalMs: number, opts: SyncLoopOptions = {}): SyncLoop {
  const debounceMs = opts.debounceMs ?? 200;
  let initialised = false;
  let running: Promise<SyncReport[]> | null = null;
  // Every pass (full or incremental) runs after the previous one has settled: one at a time.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = tail.then(fn, fn);
    tail = p.catch(() => undefined);
    return p;
  };
  const init = async () => {
    if (!initialised) {
      await store.init();
      initialised = true;
    }
  };

  const runOnce = () => {
    // A full pass asked for while one is queued or running shares it: a slow pass is never
    // overlapped by the next tick.
    running ??= exclusive(async () => {
      try {
        await init();
        const t0 = Date.now();
        const reports = await syncOnce(store, sources);
        logger.info({ ms: Date.now() - t0, reports }, 'lineage sync pass');
        return reports;
      } catch (e) {
        initialised = false;
        throw e;
      } finally {
        running = null;
      }
    });
    return running;
  };

  let incrementalPasses = 0;
  // Triggers waiting for the next incremental pass: their ids and their callers.
  let pending: { ids: Set<string>; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const incremental = async (ids: string[]) => {
    await init();
    const t0 = Date.now();
    // By id first (alias moves and tag changes), then the watermark feed (new versions, edits).
    const refreshed = await refreshModelVersions(store, sources.training, ids);
    const reports = await syncOnce(store, sources, { only: ['training'] });
    incrementalPasses++;
    logger.info({ ms: Date.now() - t0, refreshed, reports }, 'lineage incremental sync pass (webhook)');
  };
  const trigger = (modelVersionIds: readonly string[] = []) =>
    new Promise<void>((resolve, reject) => {
      pending ??= { ids: new Set(), waiters: [] };
      for (const id of modelVersionIds) pending.ids.add(id);
      pending.waiters.push({ resolve, reject });
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        const batch = pending!;
        pending = null;
        exclusive(() => incremental([...batch.ids])).then(
          () => batch.waiters.forEach((w) => w.resolve()),
          (e) => {
            initialised = false;
            logger.warn({ err: (e as Error).message }, 'lineage incremental sync pass failed; the periodic pass will catch up');
            batch.waiters.forEach((w) => w.reject(e));
          },
        );
      }, debounceMs);
    });

  const tick =
    intervalMs > 0
      ? setInterval(() => {
          runOnce().catch((e) => {
            logger.warn({ err: (e as Error).message }, 'lineage sync pass failed; retrying next tick');
          });
        }, intervalMs)
      : null;
  tick?.unref();
  return {
    runOnce,
    trigger,
    get incrementalPasses() {
      return incrementalPasses;
    },
    stop: () => {
      if (tick) clearInterval(tick);
      if (timer) clearTimeout(timer);
    },
  };
}

export interface DeprecationClock {
  /** One check now: the ids it made EFFECTIVE (tests call it; the timer calls it every interval). */
  runOnce(): Promise<string[]>;
  stop(): void;
}

/**
 * Makes announced deprecations EFFECTIVE once their date has passed, every `intervalMs` (0: never
 * by itself; `runOnce` still works). A check never overlaps the previous one in this process;
 * across processes the store's lock on the model version keeps the transition single.
 */
export function startDeprecationClock(deprecations: { effectDue(): Promise<string[]> }, logger: Logger, intervalMs: number): DeprecationClock {
  let running: Promise<string[]> | null = null;
  const runOnce = () => {
    running ??= deprecations.effectDue().finally(() => {
      running = null;
    });
    return running;
  };
  const tick =
    intervalMs > 0
      ? setInterval(() => {
          runOnce().then(
            (ids) => ids.length && logger.info({ deprecations: ids }, 'deprecations made effective on their date'),
            (e) => logger.warn({ err: (e as Error).message }, 'deprecation check failed; retrying next tick'),
          );
        }, intervalMs)
      : null;
  tick?.unref();
  return { runOnce, stop: () => tick && clearInterval(tick) };
}
