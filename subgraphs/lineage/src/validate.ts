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
  return safeText(name, v, MAX_ID)!;
}

/* ---------- mutation arguments: every check runs before anything is written ---------- */

export const MAX_ID = 512;
export const MAX_TEXT = 2000;
export const MAX_KEY = 200;
/** How many ids a target list may carry before de-duplication (a release then takes at most 500). */
export const MAX_TARGET_LIST = 1000;

/** Free text (notes, comments, reasons): only its length is limited. */
export function text(name: string, v: string | null | undefined, max = MAX_TEXT): string | null {
  if (v == null) return null;
  if (v.length > max) throw badInput(name, `at most ${max.toLocaleString('en-US')} characters, got ${v.length.toLocaleString('en-US')}`);
  return v;
}

/** A client's idempotency key: 8–200 characters of letters, digits and . _ : - */
export function idempotencyKey(v: string | null | undefined): string | null {
  if (v == null) return null;
  if (v.length < 8 || v.length > MAX_KEY || !/^[A-Za-z0-9._:-]+$/.test(v)) throw badInput('idempotencyKey', `8–${MAX_KEY} characters of letters, digits and . _ : -`);
  return v;
}

/** A list of ids: at most `max` entries, each a valid id. */
export function idList(name: string, v: readonly string[] | null | undefined, max = MAX_TARGET_LIST): string[] | null {
  if (v == null) return null;
  if (v.length > max) throw badInput(name, `at most ${max.toLocaleString('en-US')} ids, got ${v.length.toLocaleString('en-US')}`);
  v.forEach((x, i) => {
    if (x.length === 0) throw badInput(name, `entry ${i} is empty`);
    if (x.length > MAX_ID) throw badInput(name, `entry ${i}: at most ${MAX_ID} characters, got ${x.length.toLocaleString('en-US')}`);
    if (!SAFE.test(x)) throw badInput(name, `entry ${i} may contain only letters, digits, spaces and . _ - / : @ # +`);
  });
  return [...v];
}

/**
 * A wave's filter must select explicitly: at least one criterion, and none blank. An empty
 * `search` would otherwise match every target of the project.
 */
export function waveFilter(filter: { line?: string | null; plant?: string | null; search?: string | null } | null | undefined, argument = 'wave.filter') {
  if (filter == null) throw badInput(argument, 'a wave needs a filter (line, plant or search) that selects its targets');
  for (const k of ['line', 'plant', 'search'] as const) {
    const v = filter[k];
    if (v != null && v.trim() === '') throw badInput(`${argument}.${k}`, 'must not be empty or blank: a wave selects its targets explicitly');
  }
  const f = targetFilter(filter, argument);
  if (f.line == null && f.plant == null && f.search == null) throw badInput(argument, 'a wave needs at least one of line, plant or search');
  return f;
}
