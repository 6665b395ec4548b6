import { describe, expect, it } from 'vitest';
import { chain, GENESIS, verifyChain } from './audit.ts';

const inputs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ entityId: 'rel-1', action: `step.${i}`, actor: 'u', at: `2026-11-23T00:00:0${i}.000Z`, before: { i }, after: { i: i + 1 }, reason: null }));

describe('audit hash chain', () => {
  let n = 0;
  const id = () => `e${++n}`;

  it('links each event to the one before, across appends', () => {
    const first = chain(inputs(2), null, id);
    const second = chain(inputs(2), first.head, id);
    const all = [...first.events, ...second.events];
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(all[0]!.prevHash).toBe(GENESIS);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(verifyChain(all, second.head)).toEqual([]);
  });

  it('names an edited, a deleted, a truncated and a reordered trail', () => {
    const { events, head } = chain(inputs(4), null, id);
    const edited = events.map((e, i) => (i === 1 ? { ...e, reason: 'changed later' } : e));
    expect(verifyChain(edited, head).map((p) => p.eventId)).toContain(events[1]!.id);
    const deleted = events.filter((_, i) => i !== 2);
    expect(verifyChain(deleted, head).some((p) => p.eventId === events[3]!.id && /deleted/.test(p.problem))).toBe(true);
    const truncated = events.slice(0, 3);
    expect(verifyChain(truncated, head).some((p) => /latest event\(s\) were deleted/.test(p.problem))).toBe(true);
    const swapped = events.map((e, i) => (i === 1 ? { ...events[2]!, seq: 2 } : i === 2 ? { ...events[1]!, seq: 3 } : e));
    expect(verifyChain(swapped, head).length).toBeGreaterThan(0);
  });
});
