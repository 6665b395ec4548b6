/**
 * The subgraphs' graphql-jit executor (the default, `execution.subgraphs: jit`) against
 * graphql-js's interpreter: two whole stacks over the same scenario, the same requests, and the
 * gateway's answers compared byte for byte, errors included; backend calls compared too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOperations } from '@mlops/kit/jit';
import { LINEAGE_QUESTIONS, lineageQuestionVariables } from '../helpers/lineage-questions.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');

// Monitoring's alerts are the one subgraph field neither the flagship nor the lineage questions ask.
const ALERTS = `query($t: ID!) { releaseTarget(id: $t) { id health { status accuracy drift } alerts { totalCount nodes { severity metric } } } }`;

/** Requests whose answers carry errors (bad arguments, a forged cursor, a bad window, a bad variable), and unknown ids (null, no error). */
const FAILING: [string, Record<string, unknown>][] = [
  [FLAGSHIP, { projectId: 'pump-anomaly', first: -1 }],
  ['query($a: String) { releaseTargets(projectId: "pump-anomaly", first: 2, after: $a) { nodes { id } } }', { a: 'bm90LWEtY3Vyc29y' }],
  ['{ modelVersion(id: "no-such/1") { id } releaseTarget(id: "nowhere") { id } }', {}],
  [
    'query($t: ID!) { releaseTarget(id: $t) { currentDeployments { id series(metric: ACCURACY, from: "2025-01-01T00:00:00Z", stepSeconds: 60) { metric } } } }',
    { t: '' },
  ],
  ['query($n: Int!) { releaseTargets(projectId: "pump-anomaly", first: $n) { totalCount } }', { n: 'many' }],
];

let jit: Stack;
let interpreted: Stack;
beforeAll(async () => {
  interpreted = await startStack({ targets: 60, executor: 'graphql-js' });
  jit = await startStack({ targets: 60 });
});
afterAll(async () => {
  await jit?.stop();
  await interpreted?.stop();
});

async function raw(stack: Stack, query: string, variables: Record<string, unknown>): Promise<string> {
  const res = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return `${res.status} ${await res.text()}`;
}

describe('subgraph executor: graphql-jit vs graphql-js', () => {
  it('gives byte-identical answers to the flagship pages and the lineage questions, with the same backend calls', async () => {
    const { own, variables } = lineageQuestionVariables(jit.scenario);
    const before = compiledOperations();
    const requests: [string, Record<string, unknown>][] = [
      ...['pump-anomaly', 'motor-vibration'].flatMap((projectId) => [7, 30].map((first): [string, Record<string, unknown>] => [FLAGSHIP, { projectId, first }])),
      [LINEAGE_QUESTIONS, variables],
      [ALERTS, { t: jit.scenario.alerts[0]!.targetId }],
      [ALERTS, { t: own.targetId! }],
    ];
    for (const [query, variables] of requests) {
      jit.resetCounts();
      interpreted.resetCounts();
      const a = await raw(jit, query, variables);
      const b = await raw(interpreted, query, variables);
      expect(a).toBe(b);
      expect(a).not.toContain('"errors"');
      const calls = (st: Stack) => Object.fromEntries(Object.entries(st.connectors).map(([k, c]) => [k, c.calls.total()]));
      expect(calls(jit)).toEqual(calls(interpreted));
      expect([...jit.gateway.subgraphRequests.byService]).toEqual([...interpreted.gateway.subgraphRequests.byService]);
    }
    // The jit stack really compiled what its subgraphs were asked (the other one compiles nothing).
    expect(compiledOperations() - before).toBeGreaterThanOrEqual(5);
  });

  it('gives byte-identical errors: bad arguments, forged cursors, unknown ids, bad windows, bad variables', async () => {
    const t = jit.scenario.deployments.find((d) => d.until === null)!.targetId;
    for (const [query, variables] of FAILING) {
      const v = 't' in variables ? { t } : variables;
      const a = await raw(jit, query, v);
      const b = await raw(interpreted, query, v);
      expect(a, query).toBe(b);
      if (query.includes('no-such/1')) expect(a).toBe('200 {"data":{"modelVersion":null,"releaseTarget":null}}\n');
      else expect(a).toMatch(/"errors"/);
      expect(a).not.toMatch(/at .*\.ts:|MATCH |127\.0\.0\.1/);
    }
  });
});
