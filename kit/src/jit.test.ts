/**
 * The graphql-jit executor behind createSubgraph: same answers and same masked errors as
 * graphql-js, compiled once per operation, a bounded cache.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { SubgraphExecutor } from './config.ts';
import { appError, ConnectorError } from './errors.ts';
import { compiledOperations, jitGateway } from './jit.ts';
import { createLogger } from './logger.ts';
import { createSubgraph } from './server.ts';
import { entitiesQuery, execute } from './testing.ts';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { machines(first: Int!): [Machine!]! machine(id: ID!): Machine }
  type Machine @key(fields: "id") {
    id: ID!
    line: String
    tags: [String!]!
    readings(first: Int!): [Float!]!
    platform: String
  }
`;
const MACHINES = Array.from({ length: 50 }, (_, i) => ({ id: `m-${i}`, line: i % 3 ? `line-${i % 3}` : null, tags: [`t${i % 5}`] }));
const resolvers = {
  Query: {
    machines: (_: unknown, { first }: { first: number }) => {
      if (first < 0 || first > 20) throw appError('BAD_USER_INPUT', '`first` must be between 0 and 20');
      return MACHINES.slice(0, first);
    },
    machine: (_: unknown, { id }: { id: string }) => MACHINES.find((m) => m.id === id) ?? null,
  },
  Machine: {
    __resolveReference: (ref: { id: string }) => MACHINES.find((m) => m.id === ref.id) ?? null,
    readings: (m: { id: string }, { first }: { first: number }) => Array.from({ length: first }, (_, i) => Number(m.id.slice(2)) + i / 10),
    platform: () => {
      throw new ConnectorError('monitoring', 'UNAVAILABLE', 'connect ECONNREFUSED 10.0.0.7:9090');
    },
  },
};

const dir = mkdtempSync(path.join(tmpdir(), 'jit-test-'));
const schemaPath = path.join(dir, 'schema.graphql');
writeFileSync(schemaPath, SDL);
const logger = createLogger('jit-test', 'silent');
const server = (executor: SubgraphExecutor) => createSubgraph({ name: 'jit-test', schemaPath, resolvers, logger, executor });

const OPERATIONS: [string, Record<string, unknown>?][] = [
  ['query($n: Int!) { machines(first: $n) { id line tags readings(first: 3) } }', { n: 12 }],
  ['{ machine(id: "m-7") { id __typename line } nothing: machine(id: "x") { id } }'],
  [entitiesQuery('Machine', 'id line readings(first: 2)'), { r: [{ __typename: 'Machine', id: 'm-3' }, { __typename: 'Machine', id: 'gone' }] }],
  // Registered code passes through; a connector failure is masked to UPSTREAM_UNAVAILABLE without the host.
  ['{ machines(first: 99) { id } }'],
  ['{ machine(id: "m-1") { id platform } }'],
  // Variable coercion and validation errors.
  ['query($n: Int!) { machines(first: $n) { id } }', { n: 'many' }],
  ['{ machines(first: 2) { id colour } }'],
  ['{ _service { sdl } }'],
];

describe('graphql-jit subgraph executor', () => {
  it('answers every operation, errors included, exactly as graphql-js does', async () => {
    const jit = server('jit');
    const reference = server('graphql-js');
    const before = compiledOperations();
    for (const [query, variables] of OPERATIONS) {
      const a = await execute(jit, {}, query, variables);
      const b = await execute(reference, {}, query, variables);
      expect(JSON.stringify(a), query).toBe(JSON.stringify(b));
    }
    // The operation that fails validation never reaches the executor; the other seven were compiled.
    expect(compiledOperations() - before).toBe(7);
    const masked = await execute(jit, {}, '{ machine(id: "m-1") { id platform } }');
    expect(masked.errors![0]!.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', platform: 'monitoring' });
    expect(JSON.stringify(masked)).not.toContain('10.0.0.7');
    await jit.stop();
    await reference.stop();
  });

  it('compiles an operation once and serves repeats from the cache, whatever the variables', async () => {
    const jit = jitGateway(buildSubgraphSchema({ typeDefs: parse(SDL), resolvers: resolvers as never }), { maxCached: 3 });
    const srv = new ApolloServer({ gateway: jit.gateway, plugins: [ApolloServerPluginInlineTraceDisabled()] });
    for (let n = 0; n < 10; n++) {
      const res = await execute(srv, {}, 'query($n: Int!) { machines(first: $n) { id } }', { n });
      expect((res.data!.machines as unknown[]).length).toBe(n);
    }
    expect(jit.stats()).toEqual({ cached: 1, compiled: 1, validated: 1 });
    // Distinct documents beyond the bound evict the least recently used; memory stays bounded.
    for (let n = 0; n < 6; n++) await execute(srv, {}, `{ machines(first: ${n}) { id } }`);
    expect(jit.stats()).toEqual({ cached: 3, compiled: 7, validated: 3 });
    // The fast path's table is bounded the same way, and knows only texts Apollo Server validated.
    expect(jit.validated('{ machines(first: 5) { id } }', null)).toBeDefined();
    expect(jit.validated('{ machines(first: 0) { id } }', null)).toBeUndefined();
    expect(jit.validated('{ machines(first: 5) { id } }', 'Other')).toBeUndefined();
    await srv.stop();
  });
});
