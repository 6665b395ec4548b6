/**
 * Cypher as data: every builder is a pure function returning `{ cypher, params }`. Values are
 * always parameters; the few things Cypher cannot parameterise (variable-length bounds, labels,
 * relationship types) come from allow-lists checked here.
 */
import type { Page } from '@mlops/kit';

export interface Query {
  cypher: string;
  params: Record<string, unknown>;
}

/** A variable-length bound must be a literal in Cypher: only integers in [min, max] pass. */
export function bound(n: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${n}`);
  return n;
}

/** Removes indentation so snapshots and logs stay readable. */
export const cy = (s: TemplateStringsArray, ...values: (string | number)[]) =>
  s
    .reduce((acc, part, i) => acc + part + (i < values.length ? String(values[i]) : ''), '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');

/** A `RETURN size(rows) AS total, rows[$skip..$skip+$limit] AS items` row as a Page with offset tokens. */
export function pageFromRow<T>(row: Record<string, any> | undefined, skip: number, map: (x: any) => T = (x) => x as T): Page<T> {
  const total = (row?.total as number) ?? 0;
  const items = ((row?.items as unknown[]) ?? []).map(map);
  return { items, totalCount: total, tokens: items.map((_, i) => String(skip + i + 1)), hasNextPage: skip + items.length < total };
}
