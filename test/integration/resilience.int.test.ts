/**
 * Failure behaviour through the gateway: a subgraph down, and bad input. Errors must name the
 * failed part or the bad argument, and never leak hosts, ports or stack traces.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { startGateway, type RunningGateway } from '../../gateway/src/server.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';

const QUERY = `query($p: ID!) {
  releaseTargets(projectId: $p, first: 5) {
    nodes {
      id name
      currentDeployments { id trafficPercent modelVersion { id metric(key: "f1") } health { status drift } }
      health { status }
    }
  }
}`;

const leaks = (body: unknown) => {
  const text = JSON.stringify(body);
  return /127\.0\.0\.1|localhost|ECONNREFUSED|stacktrace|at [A-Za-z]+ \(/.test(text);
};

describe('bad input', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  it('unknown ids give null, not a crash', async () => {
    const res = await stack.query(`{
      modelVersion(id: "no-such-model/1") { id }
      releaseTarget(id: "plant-z/line-0/none") { id }
      datasetVersion(id: "nope@sha256:0") { id }
      deployment(id: "nope#1") { id }
      trainingRun(id: "0000") { id }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ modelVersion: null, releaseTarget: null, datasetVersion: null, deployment: null, trainingRun: null });
  });

  it.each([
    ['first: -1', 'first: -1', 'first'],
    ['first: 10000', 'first: 10000', 'first'],
    ['a forged cursor', 'after: "Zm9yZ2VkfDk5OQ"', 'after'],
    ['a garbage cursor', 'after: "%%%"', 'after'],
  ])('%s gives BAD_USER_INPUT naming the argument', async (_name, arg, argument) => {
    const res = await stack.query(`{ releaseTargets(projectId: "pump-anomaly", ${arg}) { totalCount nodes { id } } }`);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toContain(argument);
    expect(leaks(res)).toBe(false);
  });

  it('a cursor from another list is rejected', async () => {
    const a = await stack.query(`{ releaseTargets(projectId: "pump-anomaly", first: 1) { pageInfo { endCursor } } }`);
    const cursor = a.data.releaseTargets.pageInfo.endCursor;
    const res = await stack.query(`{ modelVersions(first: 1, after: "${cursor}") { nodes { id } } }`);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('a bad DateTime and a bad compare list are BAD_USER_INPUT', async () => {
    const t = stack.scenario.targets[0]!.id;
    const r1 = await stack.query(`{ releaseTarget(id: "${t}") { deploymentsAt(at: "yesterday") { id } } }`);
    expect(r1.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r1.errors![0]!.message).toContain('DateTime');
    const r2 = await stack.query(`{ compareModelVersions(ids: ["a/1"]) { metrics { key } } }`);
    expect(r2.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(r2.errors![0]!.message).toContain('ids');
  });

  it('a query over the depth or cost limit is refused before it reaches a subgraph', async () => {
    stack.resetCounts();
    let q = 'id';
    for (let i = 0; i < 10; i++) q = `modelVersion { run { modelVersions { ${q} } } }`;
    const res = await stack.query(`{ deployment(id: "x") { ${q} } }`);
    expect(res.errors?.[0]?.message).toMatch(/depth|cost/i);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(stack.gateway.subgraphRequests.byService.size).toBe(0);
  });
});

describe('a subgraph down', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  it('answers every field the others own, with an error naming monitoring, and null health', async () => {
    const before = await stack.query(QUERY, { p: 'pump-anomaly' });
    expect(before.errors).toBeUndefined();
    await stack.stopSubgraph('monitoring');
    const res = await stack.query(QUERY, { p: 'pump-anomaly' });
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) {
      expect(e.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(e.extensions!.serviceName).toBe('monitoring');
      expect(e.message).toContain('monitoring');
    }
    expect(leaks(res)).toBe(false);
    const nodes = res.data.releaseTargets.nodes;
    expect(nodes.map((n: any) => n.id)).toEqual(before.data.releaseTargets.nodes.map((n: any) => n.id));
    for (const [i, n] of nodes.entries()) {
      const was = before.data.releaseTargets.nodes[i];
      expect(n.health).toBeNull();
      expect(n.currentDeployments.map((d: any) => [d.id, d.trafficPercent, d.modelVersion])).toEqual(
        was.currentDeployments.map((d: any) => [d.id, d.trafficPercent, d.modelVersion]),
      );
      for (const d of n.currentDeployments) expect(d.health).toBeNull();
    }
  });
});

describe('a subgraph that accepts the connection and never answers', () => {
  let stack: Stack;
  let stalled: net.Server;
  let gateway: RunningGateway;
  /** The same, with a whole-request bound shorter than its subgraph timeout. */
  let impatient: RunningGateway;
  const sockets = new Set<net.Socket>();
  let received = 0;
  beforeAll(async () => {
    stack = await startStack();
    // Reads the request and sends nothing back: a hung process, not a refused connection.
    stalled = net.createServer((s) => {
      sockets.add(s);
      s.on('data', (d) => (received += d.length));
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', () => r()));
    const urls = Object.fromEntries(Object.entries(stack.subgraphs).map(([n, l]) => [n, l.url]));
    urls.monitoring = `http://127.0.0.1:${(stalled.address() as net.AddressInfo).port}/graphql`;
    gateway = await startGateway({ urls, host: '127.0.0.1', port: 0, logger: createLogger('t', 'silent'), auth: stack.auth, internalKey: stack.internalKey, subgraphTimeoutMs: 400 });
    impatient = await startGateway({ urls, host: '127.0.0.1', port: 0, logger: createLogger('t', 'silent'), auth: stack.auth, internalKey: stack.internalKey, subgraphTimeoutMs: 5_000, requestTimeoutMs: 300 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await impatient?.stop();
    for (const s of sockets) s.destroy();
    stalled?.close();
    await stack?.stop();
  });

  it('times the subgraph out: its fields are null with SUBGRAPH_UNAVAILABLE naming it, the rest answers', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { p: 'pump-anomaly' } }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: any; errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors.length).toBeGreaterThan(0);
    for (const e of body.errors) expect(e.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'monitoring' });
    expect(leaks(body)).toBe(false);
    expect(body.data.releaseTargets.nodes).toHaveLength(5);
    for (const n of body.data.releaseTargets.nodes) {
      expect(n.health).toBeNull();
      expect(n.currentDeployments.length).toBeGreaterThan(0);
    }
    // The stalled server saw the gateway's request: this was a timeout, not a refused connection.
    expect(received).toBeGreaterThan(0);
  });

  it('bounds the whole request: past requestTimeoutMs the client gets 503 REQUEST_TIMEOUT, with the security headers', async () => {
    const res = await fetch(impatient.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { p: 'pump-anomaly' } }) });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toEqual({ message: 'The request did not finish within 300 ms', extensions: { code: 'REQUEST_TIMEOUT' } });
  });
});

describe('the gateway\'s HTTP front', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());
  const post = (body: string, headers: Record<string, string> = {}) => fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('names a bad body: invalid JSON 400, over 1 MB 413, a body that is not JSON 400; and answers after', async () => {
    const bad = await post('{"query": "{ __typename }"');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'request body is not valid JSON' });
    const big = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/larger than 1048576 bytes/);
    const plain = await post('{ __typename }', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(JSON.stringify(await plain.json())).not.toMatch(/req\.body|middleware|stack/);
    const ok = await post(JSON.stringify({ query: '{ __typename }' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('a malformed token is 401 with WWW-Authenticate; every /graphql answer carries the security headers', async () => {
    const res = await post(JSON.stringify({ query: '{ __typename }' }), { authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    for (const r of [res, await post('{'), await post(JSON.stringify({ query: '{ __typename }' }))]) {
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
  });
});
