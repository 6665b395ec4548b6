/**
 * Per-caller request allowance: a token bucket of `perMinute` requests refilled continuously.
 * In memory, so it limits per gateway instance. When the gateway runs as several workers
 * (gateway/src/workers.ts), the buckets stay in the primary process and the workers ask it over
 * the cluster's IPC channel, so a caller's allowance does not multiply with the workers.
 */
export interface RateLimiter {
  /** Takes one request for `key`; 0 when allowed, else the milliseconds until one is. */
  take(key: string): number | Promise<number>;
}

/** The in-process buckets: answers at once. */
export interface LocalRateLimiter extends RateLimiter {
  take(key: string): number;
}

export function createRateLimiter(perMinute: number): LocalRateLimiter {
  if (perMinute <= 0) return { take: () => 0 };
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = Date.now();
  return {
    take(key) {
      const now = Date.now();
      // Forget idle callers now and then so the map stays bounded by active callers.
      if (now - lastSweep > 60_000) {
        for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= perMinute) buckets.delete(k);
        lastSweep = now;
      }
      const b = buckets.get(key) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
  };
}

/** The IPC message a worker sends to take from the primary's buckets, and the answer. */
export interface RateAsk {
  type: 'mlops:rate-take';
  id: number;
  key: string;
}
export interface RateAnswer {
  type: 'mlops:rate-wait';
  id: number;
  wait: number;
}
export const isRateAsk = (m: unknown): m is RateAsk => (m as RateAsk | null)?.type === 'mlops:rate-take' && typeof (m as RateAsk).key === 'string';

/**
 * A worker's limiter: every take is answered by the primary's buckets (one small IPC message
 * each way). `send` and `onAnswer` are the worker's process channel; passed in for tests.
 */
export function createRemoteRateLimiter(
  perMinute: number,
  send: (m: RateAsk) => void = (m) => process.send!(m),
  onAnswer: (listener: (m: unknown) => void) => void = (l) => process.on('message', l),
): RateLimiter {
  if (perMinute <= 0) return { take: () => 0 };
  const pending = new Map<number, (wait: number) => void>();
  let next = 0;
  onAnswer((m) => {
    const a = m as RateAnswer | null;
    if (a?.type !== 'mlops:rate-wait') return;
    pending.get(a.id)?.(a.wait);
    pending.delete(a.id);
  });
  return {
    take(key) {
      const id = next++;
      return new Promise<number>((resolve) => {
        pending.set(id, resolve);
        send({ type: 'mlops:rate-take', id, key });
      });
    },
  };
}
