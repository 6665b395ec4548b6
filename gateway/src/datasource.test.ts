/**
 * The entity fetch's de-duplication, on its own (the whole stack: test/integration/flagship.int.test.ts
 * "each distinct entity asked once", through both engines).
 */
import { describe, expect, it } from 'vitest';
import { dedupeRepresentations, expandEntities } from './datasource.ts';

const mv = (id: string) => ({ __typename: 'ModelVersion', id });

describe('dedupeRepresentations', () => {
  it('keeps each distinct representation once, in first-seen order, and where every entry went', () => {
    const d = dedupeRepresentations([mv('a'), mv('b'), mv('a'), mv('c'), mv('b')])!;
    expect(d.unique).toEqual([mv('a'), mv('b'), mv('c')]);
    expect([...d.slot]).toEqual([0, 1, 0, 2, 1]);
  });

  it('is null when nothing repeats, so the request goes out as the gateway built it', () => {
    expect(dedupeRepresentations([mv('a'), mv('b')])).toBeNull();
    // Same id, other type: two entities.
    expect(dedupeRepresentations([mv('a'), { __typename: 'Run', id: 'a' }])).toBeNull();
  });
});

describe('expandEntities', () => {
  const slot = Int32Array.from([0, 1, 0, 0]);

  it('puts the answers back at every place, each repeat its own object with the same fields', () => {
    const out = expandEntities({ data: { _entities: [{ id: 'a', run: { id: 'r' } }, { id: 'b' }] } }, slot, 2);
    const e = (out.data as { _entities: { id: string }[] })._entities;
    expect(e).toEqual([{ id: 'a', run: { id: 'r' } }, { id: 'b' }, { id: 'a', run: { id: 'r' } }, { id: 'a', run: { id: 'r' } }]);
    // The gateway sets a missing __typename on each received entity: no two places share one object.
    expect(new Set(e).size).toBe(4);
  });

  it('keeps a null entity null at every place', () => {
    const out = expandEntities({ data: { _entities: [null, { id: 'b' }] } }, slot, 2);
    expect((out.data as { _entities: unknown[] })._entities).toEqual([null, { id: 'b' }, null, null]);
  });

  it("repeats an error about one entity at each of its places and leaves other errors as they are", () => {
    const out = expandEntities(
      {
        data: { _entities: [{ id: 'a', run: null }, { id: 'b' }] },
        errors: [
          { message: 'run store down', path: ['_entities', 0, 'run'], extensions: { code: 'X' } },
          { message: 'about b', path: ['_entities', 1] },
          { message: 'no path' },
        ],
      },
      slot,
      2,
    );
    expect(out.errors).toEqual([
      { message: 'run store down', path: ['_entities', 0, 'run'], extensions: { code: 'X' } },
      { message: 'run store down', path: ['_entities', 2, 'run'], extensions: { code: 'X' } },
      { message: 'run store down', path: ['_entities', 3, 'run'], extensions: { code: 'X' } },
      { message: 'about b', path: ['_entities', 1] },
      { message: 'no path' },
    ]);
  });

  it('returns an answer of the wrong length untouched, for the gateway to report', () => {
    const res = { data: { _entities: [{ id: 'a' }] } };
    expect(expandEntities(res, slot, 2)).toBe(res);
    const none = { data: null, errors: [{ message: 'down' }] };
    expect(expandEntities(none, slot, 2)).toBe(none);
  });
});
