/** Argument checks for the lineage subgraph: each failure is BAD_USER_INPUT naming the argument. */
import { badInput } from '@mlops/kit';

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

export function id(name: string, v: string): string {
  if (v.length === 0) throw badInput(name, 'must not be empty');
  return safeText(name, v, 512)!;
}
