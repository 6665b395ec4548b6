/**
 * Error logging that stays readable when one request fails ten thousand fields the same way:
 * the first occurrence of an error (by code and message) is logged with its stack, identical
 * ones in the following window are only counted and logged as one summary line when the
 * window closes. Memory is bounded: at most `maxKeys` distinct errors are tracked per window;
 * errors beyond that are counted together in one overflow line.
 */
import type { Logger } from './logger.ts';

export interface ErrorLogOptions {
  /** How long identical errors are folded into one summary after the first (default 60,000 ms). */
  windowMs?: number;
  /** Distinct errors tracked at once (default 500). */
  maxKeys?: number;
  /** The clock, for tests (default Date.now). */
  now?: () => number;
}

export interface ErrorLog {
  /** Logs `err` in full if it is new in its window, else counts it. */
  log(err: unknown): void;
  /** Writes the summary of every open window now and forgets them (shutdown, tests). */
  flush(): void;
}

interface Window {
  code: string;
  message: string;
  since: number;
  repeats: number;
  timer: ReturnType<typeof setTimeout>;
}

const OVERFLOW = '\u0000overflow';

/** The code and message an error is known by: `extensions.code` (GraphQL), `code`, or the class name. */
function identify(err: unknown): { code: string; message: string; cause: unknown } {
  const e = err as { originalError?: unknown; extensions?: { code?: unknown }; code?: unknown; name?: unknown; message?: unknown } | null;
  const cause = e?.originalError ?? err;
  const c = cause as typeof e;
  const code = String(e?.extensions?.code ?? c?.code ?? c?.name ?? 'Error');
  const message = typeof c?.message === 'string' ? c.message : String(cause);
  return { code, message, cause };
}

/**
 * Wraps `logger` for errors. `log(err)` writes the first occurrence with its stack
 * (`err` through pino's serializer); repeats within `windowMs` become one line
 * `{ code, message, repeats, windowMs }` when the window ends.
 */
export function createErrorLog(logger: Logger, options: ErrorLogOptions = {}): ErrorLog {
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 500;
  const now = options.now ?? Date.now;
  const open = new Map<string, Window>();

  const close = (key: string) => {
    const w = open.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    open.delete(key);
    if (w.repeats === 0) return;
    if (key === OVERFLOW) {
      logger.error({ repeats: w.repeats, windowMs }, `${w.repeats} more errors of other kinds (too many distinct errors to track each)`);
    } else {
      logger.error({ code: w.code, repeats: w.repeats, windowMs }, `${w.message} (repeated ${w.repeats} more times)`);
    }
  };

  const start = (key: string, code: string, message: string, repeats: number) => {
    const timer = setTimeout(() => close(key), windowMs);
    timer.unref?.();
    open.set(key, { code, message, since: now(), repeats, timer });
  };

  return {
    log(err) {
      const { code, message, cause } = identify(err);
      const key = `${code}\u0000${message}`;
      let w = open.get(key);
      if (w && now() - w.since >= windowMs) {
        close(key);
        w = undefined;
      }
      if (w) {
        w.repeats++;
        return;
      }
      if (open.size >= maxKeys) {
        const o = open.get(OVERFLOW);
        if (o && now() - o.since < windowMs) o.repeats++;
        else {
          close(OVERFLOW);
          start(OVERFLOW, '', '', 1);
        }
        return;
      }
      logger.error({ err: cause, code }, message);
      start(key, code, message, 0);
    },
    flush() {
      for (const key of [...open.keys()]) close(key);
    },
  };
}
