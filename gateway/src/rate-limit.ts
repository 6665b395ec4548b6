/**
 * Per-caller request allowance: a token bucket of `perMinute` requests refilled continuously.
 * In memory, so it limits per gateway instance; behind several instances the allowance is per
 * instance (a shared store would be the next step, not needed for one gateway per site).
 */
export interface RateLimiter {
  /** Takes one request for `key`; 0 when allowed, else the milliseconds until one is. */
  take(key: string): number;
}

export function createRateLimiter(perMinute: number): RateLimiter {
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
