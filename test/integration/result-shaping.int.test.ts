/**
 * The gateway's result shaping (gateway/src/result-shaping.ts) beside @apollo/gateway's own on
 * real answers: the whole stack, the flagship over every project and page size, a scoped
 * caller, a query with directives and aliases, and a subgraph down. Every answer shaped twice;
 * not one may differ.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowResultShaping } from '../../gateway/src/result-shaping.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  shadowResultShaping(false);
  await stack?.stop();
});

describe('result shaping on real answers', () => {
  it('the flagship, a scoped caller, directives and aliases, a subgraph down: the same answers as @apollo/gateway shapes them', async () => {
    const shadow = shadowResultShaping(true)!;
    let answers = 0;
    for (const project of [...new Set(stack.scenario.targets.map((t) => t.projectId))]) {
      let after: string | null = null;
      for (const first of [7, 30, 100]) {
        const res: { data?: any; errors?: unknown[] } = await stack.query(FLAGSHIP, { projectId: project, first, after });
        expect(res.errors).toBeUndefined();
        after = res.data.releaseTargets.pageInfo.endCursor;
        answers += 1;
      }
    }
    const scoped = await token('scoped.viewer', { 'pump-anomaly': 'viewer' });
    const limited = await stack.query(FLAGSHIP, { projectId: 'pump-anomaly', first: 20 }, scoped);
    expect(limited.data.releaseTargets.nodes.length).toBeGreaterThan(0);
    const tricky = `query T($s: Boolean!) { releaseTargets(projectId: "pump-anomaly", first: 5) { kind: __typename nodes { id n: name ... @skip(if: $s) { line } currentDeployments { again: id id @include(if: $s) modelVersion { __typename version } } } } }`;
    for (const s of [true, false]) expect((await stack.query(tricky, { s })).errors).toBeUndefined();
    await stack.stopSubgraph('monitoring');
    const degraded = await stack.query(FLAGSHIP, { projectId: 'pump-anomaly', first: 30 });
    expect(degraded.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(shadow.compared).toBeGreaterThanOrEqual(answers + 4);
    expect(shadow.examples).toEqual([]);
    expect(shadow.different).toBe(0);
  });
});
