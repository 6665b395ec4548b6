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

  it('round-trips tokens', () => {
    expect(decodeCursor('K', encodeCursor('K', 'page|token 7'))).toBe('page|token 7');
  });
});
