/** Argument checks for the lineage subgraph: each failure is BAD_USER_INPUT naming the argument. */
import { badInput } from '@mlops/kit';
import { TARGET_SORT_KEYS, type TargetOrder, type TargetSortKey } from './store/types.ts';

/** `name`, `-line` …: a key from the allow-list, `-` for descending. */
export function targetOrder(v: string | null | undefined): TargetOrder {
  const raw = v ?? 'id';
  const descending = raw.startsWith('-');
  const key = descending ? raw.slice(1) : raw;
  if (!(TARGET_SORT_KEYS as readonly string[]).includes(key)) {
    throw badInput('orderBy', `must be one of ${TARGET_SORT_KEYS.join(', ')}, optionally prefixed with - for descending`);
  }
  return { key: key as TargetSortKey, descending };
}

/** Ids and filter values come from platform ids: letters, digits and . _ - / : @ # + and spaces. */
const SAFE = /^[A-Za-z0-9._\-/:@#+ ]*$/;

export function intIn(name: string, v: number | null | undefined, min: number, max: number, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw badInput(name, `must be an integer from ${min} to ${max}, got ${n}`);
  return n;
}

export function safeText(name: string, v: string | null | undefined, maxLength = 200): string | null {
  if (v == null) return null;
  if (v.length > maxLength) throw badInput(name, `at most ${maxLength} characters`);
  if (!SAFE.test(v)) throw badInput(name, 'may contain only letters, digits, spaces and . _ - / : @ # +');
  return v;
}

/** The text filters of a target list, each checked against the id charset. */
export function targetFilter(filter: { line?: string | null; plant?: string | null; search?: string | null } | null | undefined, argument = 'filter') {
  return {
    line: safeText(`${argument}.line`, filter?.line),
    plant: safeText(`${argument}.plant`, filter?.plant),
    search: safeText(`${argument}.search`, filter?.search),
  };
}

export function id(name: string, v: string): string {
  if (v.length === 0) throw badInput(name, 'must not be empty');
  return safeText(name, v, 512)!;
}
