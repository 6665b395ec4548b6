import { describe, expect, it } from 'vitest';
import { Bulkhead } from './bulkhead.ts';

/** A piece of work the test finishes by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Bulkhead', () => {
  it('runs at most max at once and lets the others in first come, first served', async () => {
    const b = new Bulkhead(2, 60_000, () => new Error('busy'));
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      b.run(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(b.load).toEqual({ running: 2, waiting: 3 });
    gates[1]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]!.open();
    gates[4]!.open();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(b.load).toEqual({ running: 0, waiting: 0 });
  });

  it('fails a caller whose wait runs out with the busy error, and frees the slot when work throws', async () => {
    const b = new Bulkhead(1, 10, () => new Error('too many traversals'));
    const g = gate();
    const first = b.run(() => g.opened);
    await expect(b.run(async () => 'never')).rejects.toThrow('too many traversals');
    expect(b.load).toEqual({ running: 1, waiting: 0 });
    g.open();
    await first;
    await expect(b.run(async () => Promise.reject(new Error('query failed')))).rejects.toThrow('query failed');
    expect(await b.run(async () => 'next')).toBe('next');
    expect(b.load).toEqual({ running: 0, waiting: 0 });
  });
});
