/** Latency statistics for the bench: percentiles over measured samples (ms). */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: round(at(0.5)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / s.length), max: round(s.at(-1)!) };
}

/** Runs `fn` `warmup` times unmeasured, then `n` times measured, sequentially. */
export async function measure(n: number, warmup: number, fn: () => Promise<void>): Promise<Summary> {
  return (await measureAlternating(n, warmup, { fn })).fn;
}

/**
 * Several ways of doing the same thing, timed in turns (a, b, c, a, b, c, …) after `warmup`
 * unmeasured turns, so a slow spell of the machine lands on all of them instead of on
 * whichever happened to run then; a ratio between two of them is then a fair one.
 */
export async function measureAlternating<K extends string>(n: number, warmup: number, fns: Record<K, () => Promise<void>>): Promise<Record<K, Summary>> {
  const keys = Object.keys(fns) as K[];
  for (let i = 0; i < warmup; i++) for (const k of keys) await fns[k]();
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < n; i++) {
    for (const k of keys) {
      const t0 = performance.now();
      await fns[k]();
      samples[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, summarize(samples[k])])) as Record<K, Summary>;
}

/** The median of the finite values (NaN when there are none). */
export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
}
