/**
 * The tamper-evident audit trail: every event holds the hash of the one before it (per
 * entity), and the entity records the head (count and last hash). Editing an event breaks its
 * hash; deleting one leaves a gap in the sequence or a head that no longer matches.
 */
import { createHash } from 'node:crypto';
import type { AuditEventRecord, AuditInput } from './types.ts';

export const GENESIS = '0'.repeat(64);

/** Canonical JSON: keys sorted, so the same content always hashes the same. */
export function canonical(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export function hashEvent(e: Omit<AuditEventRecord, 'hash'>): string {
  const { id, entityId, seq, action, actor, at, before, after, reason, prevHash } = e;
  return createHash('sha256').update(canonical({ id, entityId, seq, action, actor, at, before, after, reason, prevHash })).digest('hex');
}

/** Numbers and chains new events after the current head. */
export function chain(inputs: AuditInput[], head: { count: number; hash: string } | null, newId: () => string): { events: AuditEventRecord[]; head: { count: number; hash: string } } {
  let count = head?.count ?? 0;
  let prev = head?.hash ?? GENESIS;
  const events = inputs.map((i) => {
    count++;
    const base = {
      id: newId(),
      entityId: i.entityId,
      seq: count,
      action: i.action,
      actor: i.actor,
      at: i.at,
      before: i.before === undefined || i.before === null ? null : canonical(i.before),
      after: i.after === undefined || i.after === null ? null : canonical(i.after),
      reason: i.reason,
      prevHash: prev,
    };
    const hash = hashEvent(base);
    prev = hash;
    return { ...base, hash };
  });
  return { events, head: { count, hash: prev } };
}

export interface AuditProblem {
  eventId: string | null;
  seq: number | null;
  problem: string;
}

/** Checks an entity's chain against the recorded head; names every problem found. */
export function verifyChain(events: AuditEventRecord[], head: { count: number; hash: string } | null): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const e of sorted) {
    if (e.seq !== expectedSeq) {
      problems.push({ eventId: e.id, seq: e.seq, problem: `expected event #${expectedSeq} before this one: ${e.seq - expectedSeq} event(s) deleted` });
      expectedSeq = e.seq;
    }
    if (e.prevHash !== prev) problems.push({ eventId: e.id, seq: e.seq, problem: 'does not link to the event before it (an event before it was deleted or altered)' });
    if (hashEvent(e) !== e.hash) problems.push({ eventId: e.id, seq: e.seq, problem: 'content does not match its hash: the event was edited' });
    prev = e.hash;
    expectedSeq++;
  }
  if (head) {
    if (head.count !== sorted.length && (sorted.at(-1)?.seq ?? 0) < head.count) {
      problems.push({ eventId: null, seq: head.count, problem: `the trail ends at #${sorted.at(-1)?.seq ?? 0} but ${head.count} events were recorded: the latest event(s) were deleted` });
    } else if (head.hash !== prev) {
      problems.push({ eventId: sorted.at(-1)?.id ?? null, seq: sorted.at(-1)?.seq ?? null, problem: 'the last event does not match the recorded head' });
    }
  }
  return problems;
}
