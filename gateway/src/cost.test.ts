/**
 * The cost model on the real client schema: what the explorer and the flagship query ask is
 * under the default limit, the aliased traversal flood of the production-mode issue is far over.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cachedOperationCost, operationCost } from './cost.ts';

// The same graphql build cost.ts uses (the gateway's CommonJS one).
const { buildSchema, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
const schema = buildSchema(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8'));
const LIMIT = 200_000;

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition')!;
  return operationCost(schema, doc, op as never, variables);
};

describe('gateway cost model', () => {
  it('prices the flagship query by page size, under the limit at the largest page', () => {
    const flagship = readFileSync(new URL('../../test/flagship.graphql', import.meta.url), 'utf8');
    const c10 = cost(flagship, { projectId: 'p', first: 10 });
    const c500 = cost(flagship, { projectId: 'p', first: 500 });
    expect(c500).toBeCloseTo(c10 * 50, -2);
    expect(c500).toBeLessThan(LIMIT);
  });

  it('rejects 30 aliases of modelVersions(first: 500) { reusedBy } and accepts one modest page', () => {
    const flood = Array.from({ length: 30 }, (_, i) => `a${i}: modelVersions(first: 500) { nodes { reusedBy(limit: 1000) { truncated } } }`).join('\n');
    expect(cost(`{ ${flood} }`)).toBeGreaterThan(10 * LIMIT);
    expect(cost('{ modelVersions(first: 20) { nodes { id reusedBy(limit: 5) { truncated } } } }')).toBeLessThan(LIMIT / 20);
  });

  it('reads page sizes from variables and weighs traversals above plain fields', () => {
    const q = 'query($n: Int) { modelVersions(first: $n) { nodes { id } } }';
    expect(cost(q, { n: 400 })).toBe(4 * cost(q, { n: 100 }));
    const plain = cost('{ modelVersions(first: 100) { nodes { id name } } }');
    const traversal = cost('{ modelVersions(first: 100) { nodes { id reusedBy(limit: 20) { truncated } } } }');
    expect(traversal).toBeGreaterThan(plain * 10);
  });

  it("caps the lists inside deprecationImpact(limit) at the limit: the explorer's impact panel (limit 5,000) passes", () => {
    const panel = `query($id: ID!) { deprecationImpact(modelVersionId: $id, limit: 5000) { totalTargets truncated
      byProject { project { id name } owners targets derivedModels derivedTargets }
      targets { role target { id name } } derivedModels { id } pendingReleases { id } } }`;
    const c = cost(panel, { id: 'x' });
    expect(c).toBeGreaterThan(5000);
    expect(c).toBeLessThan(LIMIT);
  });
});

describe('cachedOperationCost', () => {
  it('equals operationCost for every page of one parsed operation, remembering by the variables the cost reads', () => {
    const flagship = readFileSync(new URL('../../test/flagship.graphql', import.meta.url), 'utf8');
    const doc = parse(flagship);
    const op = doc.definitions.find((d) => d.kind === 'OperationDefinition')! as never;
    const seen = new Set<number>();
    for (const first of [10, 30, 10, 500, 0, 30]) {
      for (const after of [null, 'cursor-a', 'cursor-b']) {
        const variables = { projectId: after ? 'p' : 'q', first, after };
        const c = cachedOperationCost(schema, doc, op, variables);
        expect(c, JSON.stringify(variables)).toBe(operationCost(schema, doc, op, variables));
        seen.add(c);
      }
    }
    // 10, 30, 500 and 0 (the default page) price differently; cursors and projects do not.
    expect(seen.size).toBe(4);
    // An absent page size prices as the default, like an explicit null.
    expect(cachedOperationCost(schema, doc, op, { projectId: 'p' })).toBe(operationCost(schema, doc, op, { projectId: 'p', first: null }));
  });
});
