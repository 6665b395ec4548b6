/**
 * DataLoader helpers. Batch functions must answer in key order with null for a missing key;
 * `byKeys` does that mapping once so connectors can return rows in any order.
 */
import DataLoader from 'dataloader';

/** Orders rows by the requested keys; missing keys become null. */
export function byKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const m = new Map<K, V>();
  for (const r of rows) m.set(keyOf(r), r);
  return keys.map((k) => m.get(k) ?? null);
}

/** Indexes rows by key, keeping their order within each key. */
export function groupBy<K, V>(rows: readonly V[], keyOf: (row: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Groups rows by key in key order; a key with no rows gets []. */
export function groupedByKeys<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const m = groupBy(rows, keyOf);
  return keys.map((k) => m.get(k) ?? []);
}

/**
 * A per-request loader. `maxBatchSize` bounds one backend call, so a 10,000-entity `_entities`
 * request becomes a few bounded calls rather than one unbounded one.
 */
export function loader<K, V>(batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>, maxBatchSize = 1000): DataLoader<K, V> {
  return new DataLoader<K, V>(batch, { maxBatchSize });
}

/**
 * Result of `loader.loadMany`: rethrows the first backend error (so it is reported, not
 * silently dropped) and removes missing keys.
 */
export function existing<V>(rows: readonly (V | Error | null | undefined)[]): V[] {
  const out: V[] = [];
  for (const r of rows) {
    if (r instanceof Error) throw r;
    if (r != null) out.push(r);
  }
  return out;
}
