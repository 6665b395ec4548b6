/**
 * Counts calls per connector method. Tests assert these counts (backend calls per query), and
 * the bench reports them; the wrapper adds no behaviour beyond counting.
 */
export interface CallCounter {
  /** calls by method name */
  readonly byMethod: Map<string, number>;
  total(): number;
  reset(): void;
}

export type Instrumented<T> = T & { readonly calls: CallCounter };

/** Wraps every function property of `target` so each call increments its method's count. */
export function instrument<T extends object>(target: T): Instrumented<T> {
  const byMethod = new Map<string, number>();
  const calls: CallCounter = {
    byMethod,
    total: () => [...byMethod.values()].reduce((a, b) => a + b, 0),
    reset: () => byMethod.clear(),
  };
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (prop === 'calls') return calls;
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        byMethod.set(prop, (byMethod.get(prop) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  }) as Instrumented<T>;
}
