/**
 * Idempotency keys, bound to who sent them, for which operation and with which arguments. A
 * retry with the same key and the same arguments gets the first result and writes nothing; the
 * same key with other arguments is a client bug (or a replay of someone's key) and is refused
 * with IDEMPOTENCY_CONFLICT rather than silently answered with the first result.
 */
import { createHash } from 'node:crypto';
import { normalizeSubject } from '@mlops/kit';
import { canonical } from './audit.ts';

/** What the stores keep a result under: `id` names (caller, operation, key), `bodyHash` the arguments. */
export interface IdempotencyKey {
  id: string;
  bodyHash: string;
}

/** A stored key: the first result, what it answered, until when it counts. */
export interface StoredKey {
  bodyHash: string;
  result: unknown;
  /** ISO time after which the key is ignored (and may be pruned). */
  expiresAt: string;
}

export const DEFAULT_KEY_TTL_MS = 24 * 3600 * 1000;

export class IdempotencyConflict extends Error {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor() {
    super('idempotencyKey: this key was already used for this operation with other arguments; send the same arguments, or use a new key');
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Absent and null arguments are the same request; key order does not matter. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, strip(x)]));
  }
  return v;
}

/**
 * Binds a client's key to the caller (normalized, so `Rita` and `rita` share one key space, as
 * they are one person for four-eyes too), the operation and a hash of the arguments.
 */
export function bindKey(sub: string, op: string, key: string | null | undefined, body: Record<string, unknown>): IdempotencyKey | null {
  if (key == null) return null;
  return { id: sha256(canonical([normalizeSubject(sub), op, key])), bodyHash: sha256(canonical(strip(body))) };
}

/**
 * What a stored key means for a call: null (none, or expired: go ahead), the first result (same
 * arguments), or an IdempotencyConflict thrown (other arguments).
 */
export function replayOf<T>(stored: StoredKey | null, key: IdempotencyKey, nowMs: number): { result: T } | null {
  if (!stored || Date.parse(stored.expiresAt) <= nowMs) return null;
  if (stored.bodyHash !== key.bodyHash) throw new IdempotencyConflict();
  return { result: stored.result as T };
}
