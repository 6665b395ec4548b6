import { describe, expect, it } from 'vitest';
import { ChangeFeed, codeUnitOrder } from './change-feed.ts';

interface Rec {
  id: string;
  at: string;
}

const iso = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

/** Every page of the feed from `since`, walked by its tokens. */
function walk(feed: ChangeFeed<Rec>, since: string | null, first: number): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const p = feed.page(since, { first, after });
    ids.push(...p.items.map((r) => r.id));
    if (!p.hasNextPage) return ids;
    after = p.tokens.at(-1)!;
  }
}

/** What the feed must answer: a fresh sort and a filter. */
const oracle = (recs: Rec[], since: string | null) =>
  recs
    .filter((r) => since === null || r.at >= since)
    .sort((a, b) => codeUnitOrder(a.at, b.at) || codeUnitOrder(a.id, b.id))
    .map((r) => r.id);

describe('ChangeFeed', () => {
  it('orders by changed-at then id in code-unit order, and starts at the first change at or after since', () => {
    // 'B' < 'a' in code units (localeCompare says the opposite); ties on time go by id.
    const recs: Rec[] = [
      { id: 'a', at: iso(2) },
      { id: 'B', at: iso(2) },
      { id: 'c', at: iso(1) },
      { id: 'd', at: iso(3) },
    ];
    const feed = new ChangeFeed(() => recs, (r) => r.at);
    expect(walk(feed, null, 10)).toEqual(['c', 'B', 'a', 'd']);
    expect(walk(feed, iso(2), 10)).toEqual(['B', 'a', 'd']);
    expect(walk(feed, iso(2 + 1 / 60_000), 10)).toEqual(['d']); // a millisecond after the tie
    expect(walk(feed, iso(9), 10)).toEqual([]);
    expect(feed.page(iso(2), { first: 1, after: null })).toMatchObject({ totalCount: 3, hasNextPage: true });
  });

  it('after records change in place or are added and touched, answers as a fresh sort would', () => {
    // A seeded walk of changes: records move to later times, new ones arrive, several per read.
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const recs: Rec[] = Array.from({ length: 300 }, (_, i) => ({ id: `r-${i}`, at: iso(rnd(200)) }));
    const feed = new ChangeFeed(() => recs, (r) => r.at);
    expect(walk(feed, null, 64)).toEqual(oracle(recs, null));
    let clock = 200;
    for (let step = 0; step < 40; step++) {
      const touched: Rec[] = [];
      for (let k = rnd(6); k >= 0; k--) {
        if (rnd(3) === 0) {
          const r = { id: `n-${step}-${k}`, at: iso(clock + rnd(3)) };
          recs.push(r);
          touched.push(r);
        } else {
          const r = recs[rnd(recs.length)]!;
          r.at = iso(clock + rnd(3));
          touched.push(r);
        }
      }
      feed.touch(...touched);
      clock += 2;
      const since = iso(rnd(clock));
      expect(walk(feed, since, 1 + rnd(50))).toEqual(oracle(recs, since));
    }
    expect(walk(feed, null, 100)).toEqual(oracle(recs, null));
  });

  it('a record changed but not touched keeps its old place: touching is the writer’s duty', () => {
    // Shows what `touch` is for; the connectors touch every record a write moves.
    const recs: Rec[] = [
      { id: 'a', at: iso(1) },
      { id: 'b', at: iso(2) },
    ];
    const feed = new ChangeFeed(() => recs, (r) => r.at);
    expect(walk(feed, null, 10)).toEqual(['a', 'b']);
    recs[0]!.at = iso(3);
    expect(walk(feed, null, 10)).toEqual(['a', 'b']);
    feed.touch(recs[0]!);
    expect(walk(feed, null, 10)).toEqual(['b', 'a']);
  });
});
