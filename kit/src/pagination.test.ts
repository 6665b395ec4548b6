import { describe, expect, it } from 'vitest';
import { connectionOf, decodeCursor, encodeCursor, pageRequest } from './pagination.ts';

describe('pagination', () => {
  const items = Array.from({ length: 25 }, (_, i) => i);

  it('walks a list page by page with opaque cursors', () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const c: ReturnType<typeof connectionOf<number>> = connectionOf('N', items, { first: 10, after });
      seen.push(...c.nodes);
      expect(c.totalCount).toBe(25);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(items);
  });

  it.each([-1, 501, 1.5])('rejects first=%s with BAD_USER_INPUT naming first', (first) => {
    expect(() => pageRequest('N', { first })).toThrowError(/first/);
  });

  it('rejects a cursor of another kind, garbage and an over-long cursor', () => {
    expect(() => decodeCursor('A', encodeCursor('B', '1'))).toThrowError(/after/);
    expect(() => decodeCursor('A', 'not a cursor!')).toThrowError(/after/);
    expect(() => decodeCursor('A', 'a'.repeat(600))).toThrowError(/after/);
    expect(() => connectionOf('A', items, { after: encodeCursor('A', '-3') })).toThrowError(/after/);
  });

  it('builds the edges only when read, with the cursors pageInfo names and resuming where they say', () => {
    const c = connectionOf('N', items, { first: 10, after: encodeCursor('N', '5') });
    // An accessor, not a value: a query for nodes and pageInfo never builds a cursor per item.
    expect(typeof Object.getOwnPropertyDescriptor(c, 'edges')?.get).toBe('function');
    expect(c.edges.map((e) => e.node)).toEqual(c.nodes);
    expect(c.edges).toBe(c.edges);
    expect(c.pageInfo.startCursor).toBe(c.edges[0]!.cursor);
    expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
    expect(connectionOf('N', items, { first: 3, after: c.edges[2]!.cursor }).nodes).toEqual([8, 9, 10]);
    const empty = connectionOf('N', items, { first: 0 });
    expect([empty.edges, empty.pageInfo.startCursor, empty.pageInfo.endCursor]).toEqual([[], null, null]);
  });

  it('round-trips tokens', () => {
    expect(decodeCursor('K', encodeCursor('K', 'page|token 7'))).toBe('page|token 7');
  });
});
