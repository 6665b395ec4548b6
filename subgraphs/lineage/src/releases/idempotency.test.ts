/** Key binding and replay rules, without a store; and the key Cypher keeps every value a parameter. */
import { describe, expect, it } from 'vitest';
import * as C from '../cypher/releases.ts';
import { bindKey, IdempotencyConflict, replayOf } from './idempotency.ts';

describe('idempotency keys', () => {
  it('bind a key to the normalized caller, the operation and the arguments', () => {
    const a = bindKey('rita', 'approve', 'key-12345', { releaseId: 'r1', comment: 'ok' })!;
    expect(bindKey('ＲＩＴＡ ', 'approve', 'key-12345', { comment: 'ok', releaseId: 'r1' })).toEqual(a);
    expect(bindKey('rita', 'approve', 'key-12345', { releaseId: 'r1', comment: 'ok', extra: null })).toEqual(a);
    expect(bindKey('arno', 'approve', 'key-12345', { releaseId: 'r1', comment: 'ok' })!.id).not.toBe(a.id);
    expect(bindKey('rita', 'reject', 'key-12345', { releaseId: 'r1', comment: 'ok' })!.id).not.toBe(a.id);
    const other = bindKey('rita', 'approve', 'key-12345', { releaseId: 'r1', comment: 'OK' })!;
    expect(other.id).toBe(a.id);
    expect(other.bodyHash).not.toBe(a.bodyHash);
    // separators in a subject cannot forge another caller's key
    expect(bindKey('rita|approve', 'x', 'key-12345', {})!.id).not.toBe(bindKey('rita', 'approve|x', 'key-12345', {})!.id);
    expect(bindKey('rita', 'approve', null, {})).toBeNull();
  });

  it('replay the first result for the same body, conflict on another, and ignore expired keys', () => {
    const k = bindKey('rita', 'approve', 'key-12345', { releaseId: 'r1' })!;
    const stored = { bodyHash: k.bodyHash, result: { releaseId: 'r1', errors: [] }, expiresAt: '2026-01-02T00:00:00.000Z' };
    const before = Date.parse('2026-01-01T12:00:00.000Z');
    expect(replayOf(stored, k, before)).toEqual({ result: stored.result });
    expect(() => replayOf({ ...stored, bodyHash: 'other' }, k, before)).toThrow(IdempotencyConflict);
    expect(replayOf({ ...stored, bodyHash: 'other' }, k, Date.parse(stored.expiresAt))).toBeNull();
    expect(replayOf(null, k, before)).toBeNull();
  });

  it('keeps key values in parameters', () => {
    const hostile = "x'}) DETACH DELETE n //";
    for (const q of [C.lockKey(hostile), C.readKey(hostile), C.saveKey(hostile, hostile, hostile, hostile, hostile), C.pruneKeys(hostile, 10)]) {
      expect(q.cypher).not.toContain(hostile);
      expect(JSON.stringify(q.params)).toContain('DETACH DELETE');
    }
  });
});
