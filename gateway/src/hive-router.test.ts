/**
 * The hive-router engine's own logic, without the router: how its errors become ours, and the
 * startup refusal without a binary. The engine against a real router is
 * test/integration/hive-router.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { resultOf, routerError, startHiveRouter } from './hive-router.ts';

const json = (e: ReturnType<typeof routerError>) => JSON.parse(JSON.stringify(e.toJSON())) as { message: string; path?: unknown; extensions: Record<string, unknown> };

describe('routerError: the router’s errors as the apollo engine reports them', () => {
  it('a registered code a subgraph answered keeps its message, path and extensions, and names the subgraph', () => {
    const e = json(routerError({ message: 'first: must be an integer from 0 to 500, got 100000', path: ['releaseTargets'], extensions: { code: 'BAD_USER_INPUT', argument: 'first', service: 'lineage', affectedPath: 'releaseTargets' } }));
    expect(e).toEqual({ message: 'first: must be an integer from 0 to 500, got 100000', path: ['releaseTargets'], extensions: { code: 'BAD_USER_INPUT', argument: 'first', serviceName: 'lineage' } });
  });

  it('a subgraph’s validation failure is the client’s input (a custom scalar literal)', () => {
    expect(json(routerError({ message: 'Expected value of type "DateTime"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', service: 'lineage' } })).extensions).toEqual({ code: 'BAD_USER_INPUT', serviceName: 'lineage' });
  });

  it('a failed fetch, a 5xx or an unregistered code becomes SUBGRAPH_UNAVAILABLE naming the subgraph, never the router’s text', () => {
    for (const extensions of [
      { code: 'SUBGRAPH_REQUEST_FAILURE', service: 'monitoring' },
      { code: 'DOWNSTREAM_SERVICE_ERROR', service: 'monitoring' },
      { code: 'INTERNAL_SERVER_ERROR', service: 'monitoring' },
      { service: 'monitoring' },
    ]) {
      const e = json(routerError({ message: 'error sending request for url (http://127.0.0.1:4004/graphql): connection refused', path: ['a', 0], extensions }));
      expect(e.message).toBe('The monitoring subgraph is unavailable; fields it provides are null');
      expect(e.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'monitoring' });
      expect(JSON.stringify(e)).not.toMatch(/127\.0\.0\.1|4004|refused/);
    }
  });

  it('an error of the router’s own is left unregistered for formatError to mask; a body that is not JSON is one too', () => {
    expect(json(routerError({ message: 'Failed to plan', extensions: { code: 'QUERY_PLAN_BUILD_FAILED' } })).extensions).toEqual({ code: 'QUERY_PLAN_BUILD_FAILED' });
    const r = resultOf({ status: 502, body: Buffer.from('<html>bad gateway</html>') });
    expect(r.data).toBeUndefined();
    expect(r.errors?.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(resultOf({ status: 200, body: Buffer.from('{"data":{"a":1}}') })).toEqual({ data: { a: 1 } });
  });
});

describe('startHiveRouter', () => {
  it('refuses to start without the binary and names the script that builds it', async () => {
    await expect(
      startHiveRouter({ binary: '/nonexistent/hive_router', supergraphSdl: '', apiSdl: 'type Query { a: Int }', urls: {}, subgraphTimeoutMs: 1000, requestTimeoutMs: 2000, logger: createLogger('test', 'error') }),
    ).rejects.toThrow(/router binary \/nonexistent\/hive_router is missing; build it once with "bash router\/install\.sh"/);
  });
});
