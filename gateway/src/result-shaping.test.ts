/**
 * The gateway's computeResponse (result-shaping.ts) against @apollo/gateway's own, on the real
 * API schema: hand-picked cases for each rule, then seeded random inputs (valid values, nulls,
 * missing fields, values of the wrong type, unknown __typename, directives with variables).
 * Same data and same errors (message, path), or the test fails.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { computeResponse, resultShapingInstalled } from './result-shaping.ts';
import { supergraphPath } from './server.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- federation-internals is untyped here
const fromGateway = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
const fi = fromGateway('@apollo/federation-internals') as Any;
// The original, as the package ships it: a fresh module instance, not the export we replaced.
const originalPath = fromGateway.resolve('./resultShaping');
const { computeResponse: original } = (() => {
  const cached = fromGateway.cache[originalPath];
  delete fromGateway.cache[originalPath];
  try {
    return fromGateway('./resultShaping') as { computeResponse: typeof computeResponse };
  } finally {
    fromGateway.cache[originalPath] = cached;
  }
})();

const apiSchema = fi.Supergraph.build(readFileSync(supergraphPath, 'utf8')).apiSchema();
const FLAGSHIP = readFileSync(fileURLToPath(new URL('../../test/flagship.graphql', import.meta.url)), 'utf8');
const TRICKY = `query T($s: Boolean!, $i: Boolean = true, $p: ID!) {
  releaseTargets(projectId: $p, first: 3) {
    __typename
    kind: __typename
    nodes {
      id
      label: name
      name
      ... on ReleaseTarget @include(if: $i) { line }
      ... @skip(if: $s) { supportedStrategies }
      currentDeployments {
        id @skip(if: $s)
        again: id
        state
        trafficPercent
        strategy
        since
        health @include(if: $s) { status accuracy drift errorRate }
        modelVersion { id version aliases metrics { key value } }
      }
    }
  }
  deployment(id: "x") { id endpoint alerts { id severity } }
}`;

const introspection = (f: Any) => ({ introspected: f.element.responseName() });

function both(query: string, variables: Record<string, unknown>, input: unknown) {
  const op = () => fi.operationFromDocument(apiSchema, parse(query), {});
  const run = (fn: typeof computeResponse) => {
    try {
      const r = fn({ operation: op(), variables, input: structuredClone(input), introspectionHandling: introspection });
      return { data: JSON.stringify(r.data), errors: r.errors.map((e: Any) => ({ message: e.message, path: e.path })) };
    } catch (e) {
      return { threw: (e as Error).message };
    }
  };
  return { ours: run(computeResponse), reference: run(original) };
}

// ---------------------------------------------------------------- seeded random inputs
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(rand: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const leaf = (type: Any): unknown => {
    const r = rand();
    if (r < 0.06) return pick([1.5, 'text', true, 7, { o: 1 }, [1], Number.NaN]);
    if (fi.isEnumType(type)) return r < 0.1 ? 'NOT_A_VALUE' : pick(type.values.map((v: Any) => v.name));
    switch (type.name) {
      case 'Int':
        return Math.floor(rand() * 1000) - 500;
      case 'Float':
        return rand() * 10;
      case 'Boolean':
        return rand() < 0.5;
      case 'ID':
        return rand() < 0.2 ? Math.floor(rand() * 100) : `id-${Math.floor(rand() * 100)}`;
      case 'String':
        return `s-${Math.floor(rand() * 100)}`;
      default:
        return pick(['2026-11-24T00:00:00Z', 3, { any: 'thing' }, 'x']); // custom scalars accept anything
    }
  };
  const value = (type: Any, selectionSet: Any): unknown => {
    if (fi.isNonNullType(type)) return rand() < 0.05 ? null : value(type.ofType, selectionSet);
    const r = rand();
    if (r < 0.08) return null;
    if (fi.isListType(type)) return Array.from({ length: Math.floor(rand() * 4) }, () => value(type.ofType, selectionSet));
    if (fi.isCompositeType(type)) return object(type, selectionSet);
    return leaf(type);
  };
  const object = (type: Any, selectionSet: Any): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    if (rand() < 0.5) o.__typename = rand() < 0.04 ? 'NoSuchType' : type.name;
    const fill = (set: Any) => {
      for (const selection of set.selections()) {
        if (selection.kind !== 'FieldSelection') {
          fill(selection.selectionSet);
          continue;
        }
        const field = selection.element;
        if (field.name === '__typename' || rand() < 0.04) continue; // a missing field
        o[field.responseName()] = value(field.definition.type, selection.selectionSet);
      }
    };
    fill(selectionSet);
    if (rand() < 0.3) o.notSelected = 'dropped';
    return o;
  };
  return (query: string) => {
    const operation = fi.operationFromDocument(apiSchema, parse(query), {});
    return object(apiSchema.schemaDefinition.rootType('query'), operation.selectionSet);
  };
}

describe('computeResponse (gateway/src/result-shaping.ts) vs @apollo/gateway', () => {
  it('is what @apollo/gateway calls', () => {
    expect(resultShapingInstalled()).toBe(true);
    expect(original).not.toBe(computeResponse);
  });

  it('hand-picked cases: filtering, aliases, __typename, directives, leaf checks, null bubbling, asserts', () => {
    const dep = { id: 'd1', again: 'd1', state: 'LIVE', trafficPercent: 100, strategy: 'HOT_SWAP', since: '2026-01-01T00:00:00Z', health: { status: 'OK', accuracy: 0.9, drift: 0.1, errorRate: 0 }, modelVersion: { id: 'm/1', version: 1, aliases: ['champion'], metrics: [{ key: 'f1', value: 0.8 }] } };
    const target = { id: 't1', label: 'T', name: 'T', line: 'l', supportedStrategies: ['HOT_SWAP'], currentDeployments: [dep], extra: 1 };
    const base = { releaseTargets: { __typename: 'ReleaseTargetConnection', kind: 'ReleaseTargetConnection', nodes: [target] }, deployment: null };
    const cases: [string, Record<string, unknown>, unknown][] = [
      ['valid', { s: false, p: 'p' }, base],
      ['directives the other way', { s: true, i: false, p: 'p' }, base],
      ['an invalid enum in a non-null field bubbles to the nullable list element', { s: false, p: 'p' }, { ...base, releaseTargets: { ...base.releaseTargets, nodes: [{ ...target, currentDeployments: [{ ...dep, state: 'NOPE' }] }] } }],
      ['a float for an Int, a number for a String, a string for a Float', { s: true, p: 'p' }, { ...base, releaseTargets: { ...base.releaseTargets, nodes: [{ ...target, name: 5, currentDeployments: [{ ...dep, trafficPercent: 1.5, health: { ...dep.health, accuracy: 'high' } }] }] } }],
      ['a numeric ID is valid, a fractional one is not', { s: false, p: 'p' }, { ...base, releaseTargets: { ...base.releaseTargets, nodes: [{ ...target, id: 12 }, { ...target, id: 1.5 }] } }],
      ['null in a non-null list bubbles up to the nullable parent', { s: false, p: 'p' }, { ...base, releaseTargets: { ...base.releaseTargets, nodes: [{ ...target, currentDeployments: [dep, null] }] } }],
      ['an unknown __typename', { s: false, p: 'p' }, { ...base, deployment: { __typename: 'Nope', id: 'd', endpoint: 'e', alerts: null } }],
      ['missing fields are null', { s: false, p: 'p' }, { releaseTargets: { nodes: [{ id: 't' }] } }],
      ['no data', { s: false, p: 'p' }, null],
      ['a list where an object belongs (assert)', { s: false, p: 'p' }, { ...base, releaseTargets: { ...base.releaseTargets, nodes: { not: 'a list' } } }],
      ['a variable of the wrong type for @skip (assert)', { s: 'yes', p: 'p' }, base],
    ];
    for (const [name, variables, input] of cases) {
      const { ours, reference } = both(TRICKY, variables, input);
      expect(ours, name).toEqual(reference);
    }
    // The cases did reach the rules they name.
    const bubbled = both(TRICKY, { s: false, p: 'p' }, cases[2]![2]).ours as { data: string; errors: { message: string }[] };
    expect(bubbled.errors[0]!.message).toMatch(/Invalid value found for field Deployment.state/);
    expect(JSON.parse(bubbled.data).releaseTargets.nodes[0].currentDeployments).toBeNull();
  });

  it("aliases that name Object.prototype's members (constructor, toString, __proto__) are ordinary keys in the answer", () => {
    const query = `query A($p: ID!) { releaseTargets(projectId: $p, first: 2) { nodes { constructor: supportedStrategies toString: name __proto__: supportedStrategies hasOwnProperty: id } } }`;
    // As a subgraph's answer arrives: JSON.parse makes `__proto__` an own key.
    const input = JSON.parse('{"releaseTargets":{"nodes":[{"constructor":["CANARY"],"toString":"T","__proto__":["HOT_SWAP"],"hasOwnProperty":"t1"},{"toString":"U","hasOwnProperty":"t2"}]}}');
    const { ours, reference } = both(query, { p: 'p' }, input);
    expect(ours).toEqual(reference);
    // Missing aliased fields are null, not Object.prototype's functions.
    expect(JSON.parse((ours as { data: string }).data)).toEqual(
      JSON.parse('{"releaseTargets":{"nodes":[{"constructor":["CANARY"],"toString":"T","__proto__":["HOT_SWAP"],"hasOwnProperty":"t1"},{"constructor":null,"toString":"U","__proto__":null,"hasOwnProperty":"t2"}]}}'),
    );
    const shaped = computeResponse({ operation: fi.operationFromDocument(apiSchema, parse(query), {}), variables: { p: 'p' }, input, introspectionHandling: introspection }).data as Any;
    expect(Object.keys(shaped.releaseTargets.nodes[1])).toEqual(['constructor', 'toString', '__proto__', 'hasOwnProperty']);
  });

  it('1,500 seeded random inputs over the flagship query and the tricky one: same data, same errors', () => {
    const rand = mulberry32(20261124);
    const gen = generator(rand);
    let withErrors = 0;
    for (const query of [FLAGSHIP, TRICKY]) {
      for (let i = 0; i < 750; i++) {
        const variables = { projectId: 'p', p: 'p', s: rand() < 0.5, ...(rand() < 0.5 ? { i: rand() < 0.5 } : {}) };
        const input = gen(query);
        const { ours, reference } = both(query, variables, input);
        expect(ours, `${query.slice(0, 20)} #${i}: ${JSON.stringify(input).slice(0, 300)}`).toEqual(reference);
        if ((reference as { errors?: unknown[] }).errors?.length) withErrors += 1;
      }
    }
    // The generator exercised the error paths, not only valid data.
    expect(withErrors).toBeGreaterThan(300);
  });
});
