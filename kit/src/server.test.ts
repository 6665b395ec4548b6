/**
 * The subgraph's HTTP front (listenSubgraph → graphqlHandler): /graphql goes straight to
 * Apollo Server behind the caller check, everything else to express. Real sockets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_HEADER, signCaller, type Identity } from './auth.ts';
import { appError } from './errors.ts';
import { createLogger } from './logger.ts';
import { createSubgraph, fastPathAnswers, listenSubgraph, type Listening } from './server.ts';

const KEY = 'k'.repeat(40);
const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { whoami: String! echo(text: String!): String! fails: String broken: String mustHave: String! items(n: Int!): [Item!]! }
  type Item { id: ID! label: String }
`;
const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, ctx: { caller: Identity }) => ctx.caller.sub,
    echo: (_: unknown, { text }: { text: string }) => text,
    fails: () => {
      throw appError('BAD_USER_INPUT', '`fails` always fails');
    },
    broken: () => {
      throw new Error('connection refused by 10.0.0.7:5432');
    },
    mustHave: () => {
      throw appError('NOT_FOUND', 'nothing to have');
    },
    items: (_: unknown, { n }: { n: number }) => Array.from({ length: n }, (_v, i) => ({ id: `i-${i}`, label: i % 2 ? `label "${i}" é\n` : null })),
  },
};

let listening: Listening;
let server: ReturnType<typeof createSubgraph<{ caller: Identity }>>;
let base: string;
let caller: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kit-server-'));
  const schemaPath = path.join(dir, 'schema.graphql');
  writeFileSync(schemaPath, SDL);
  server = createSubgraph<{ caller: Identity }>({ name: 'probe', schemaPath, resolvers, logger: createLogger('probe', 'silent') });
  listening = await listenSubgraph(server, {
    host: '127.0.0.1',
    port: 0,
    name: 'probe',
    internalKey: KEY,
    context: async (_req, c) => ({ caller: c }),
    routes: (app) => app.get('/extra', (_req, res) => void res.json({ extra: true })),
  });
  base = listening.url.replace(/\/graphql$/, '');
  caller = await signCaller(KEY, { sub: 'gateway-user', name: 'g', roles: { '*': 'viewer' }, anonymous: false });
});
afterAll(async () => {
  await listening?.stop();
});

interface Answer {
  data?: unknown;
  errors: { message: string; extensions: { code: string } }[];
  error?: string;
}
const json = async (res: Response) => (await res.json()) as Answer;

const post = (body: string, headers: Record<string, string> = {}, url = `${base}/graphql`) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_HEADER]: caller, ...headers }, body });

describe('subgraph HTTP front', () => {
  it('answers a signed caller, with the caller in the context, on /graphql, /graphql/ and with a query string', async () => {
    for (const url of [`${base}/graphql`, `${base}/graphql/`, `${base}/graphql?x=1`]) {
      const res = await post(JSON.stringify({ query: 'query Q($t: String!) { whoami echo(text: $t) }', variables: { t: 'hé ✓' } }), {}, url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('etag')).toBeNull();
      expect(await res.json()).toEqual({ data: { whoami: 'gateway-user', echo: 'hé ✓' } });
    }
  });

  it('refuses a request without a valid caller header with 401 before reading it', async () => {
    for (const headers of [{ [CALLER_HEADER]: '' }, { [CALLER_HEADER]: 'not.a.jwt' }, { [CALLER_HEADER]: await signCaller('x'.repeat(40), { sub: 'a', name: 'a', roles: {}, anonymous: false }) }]) {
      const res = await post(JSON.stringify({ query: '{ whoami }' }), headers);
      expect(res.status).toBe(401);
      expect((await json(res)).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('names bad bodies: invalid JSON 400, no JSON content type 400 from Apollo, over 5 MB 413', async () => {
    const bad = await post('{"query": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'request body is not valid JSON' });

    const plain = await post(JSON.stringify({ query: '{ whoami }' }), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);

    const big = await post(JSON.stringify({ query: '{ whoami }', variables: { pad: 'x'.repeat(6 * 1024 * 1024) } }));
    expect(big.status).toBe(413);
    expect((await json(big)).error).toMatch(/larger than 5242880 bytes/);

    // The server is still healthy after refusing.
    expect((await post(JSON.stringify({ query: '{ whoami }' }))).status).toBe(200);
  });

  it('keeps Apollo Server semantics: validation errors 400 with a code, resolver errors in 200 answers', async () => {
    const invalid = await post(JSON.stringify({ query: '{ nope }' }));
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const failing = await post(JSON.stringify({ query: '{ fails }' }));
    expect(failing.status).toBe(200);
    const body = await json(failing);
    expect(body.data).toEqual({ fails: null });
    expect(body.errors[0]).toMatchObject({ message: '`fails` always fails', extensions: { code: 'BAD_USER_INPUT' } });
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/);
  });

  it('serves /health and extra routes through express, and GET queries through Apollo', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', service: 'probe' });
    expect(await (await fetch(`${base}/extra`)).json()).toEqual({ extra: true });
    const get = await fetch(`${base}/graphql?query=${encodeURIComponent('{ whoami }')}`, { headers: { [CALLER_HEADER]: caller, 'apollo-require-preflight': '1' } });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { whoami: 'gateway-user' } });
    expect((await fetch(`${base}/graphqlx`)).status).toBe(404);
  });

  it('the fast path answers a document Apollo Server has validated once, with the same status, headers and bytes', async () => {
    const cases: [string, Record<string, unknown> | undefined, number][] = [
      ['query Items($n: Int!) { items(n: $n) { id label } whoami }', { n: 25 }, 200],
      ['{ whoami fails }', undefined, 200],
      ['{ broken whoami }', undefined, 200],
      ['{ mustHave whoami }', undefined, 200],
      ['query Two { whoami } query One { echo(text: "x") }', undefined, 200],
    ];
    for (const [query, variables, status] of cases) {
      const body = JSON.stringify({ query, ...(variables ? { variables } : {}), ...(query.includes('query Two') ? { operationName: 'One' } : {}) });
      const before = fastPathAnswers(server)!;
      const first = await post(body);
      expect(fastPathAnswers(server), query).toBe(before);
      const second = await post(body);
      expect(fastPathAnswers(server), query).toBe(before + 1);
      expect([first.status, second.status], query).toEqual([status, status]);
      expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
      const [a, b] = [await first.text(), await second.text()];
      expect(b, query).toBe(a);
      expect(a).not.toMatch(/10\.0\.0\.7|stack/);
    }
    // Other variables of a validated document: still the fast path, the new values answered.
    const before = fastPathAnswers(server)!;
    const other = await json(await post(JSON.stringify({ query: cases[0]![0], variables: { n: 2 } })));
    expect(other.data).toEqual({ items: [{ id: 'i-0', label: null }, { id: 'i-1', label: 'label "1" é\n' }], whoami: 'gateway-user' });
    expect(fastPathAnswers(server)).toBe(before + 1);
  });

  it('what the fast path does not answer goes to Apollo Server: variables that do not coerce, another operation name, another Accept', async () => {
    const query = 'query E($t: String!) { echo(text: $t) }';
    await post(JSON.stringify({ query, variables: { t: 'ok' } }));
    const before = fastPathAnswers(server)!;
    const bad = await post(JSON.stringify({ query, variables: { t: { not: 'a string' } } }));
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    const unknownOp = await post(JSON.stringify({ query, operationName: 'Nope', variables: { t: 'ok' } }));
    expect(unknownOp.status).toBe(400);
    const graphqlResponse = await post(JSON.stringify({ query, variables: { t: 'ok' } }), { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(fastPathAnswers(server)).toBe(before);
  });
});
