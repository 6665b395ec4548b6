/**
 * The hive-router engine (gateway.engine: hive-router, gateway/src/hive-router.ts) beside the
 * apollo engine on the same subgraphs, with the same token verification, limits, internal key
 * and masking: every request below is sent to both gateways and must get the same HTTP status
 * and the same body. Successful answers must be byte-identical; so must refusals made in front
 * of the engine (token, limits, cost, parse and validation errors), errors a subgraph answers
 * (FORBIDDEN, BAD_USER_INPUT), and a subgraph that is down (SUBGRAPH_UNAVAILABLE naming it).
 *
 * Needs the router binary (router/install.sh, 15–45 minutes of compile): skipped without it,
 * except where MLOPS_REQUIRE_ROUTER=1 (.ci/run builds the router and sets it), where a missing
 * binary fails the suite instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, DEV_AUTH, issueToken } from '@mlops/kit';
import { startGateway, type RunningGateway } from '@mlops/gateway';
import { DEFAULT_ROUTER_BINARY } from '../../gateway/src/hive-router.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');
const HAVE_ROUTER = existsSync(DEFAULT_ROUTER_BINARY);
if (!HAVE_ROUTER && process.env.MLOPS_REQUIRE_ROUTER === '1') {
  throw new Error(`MLOPS_REQUIRE_ROUTER=1 but ${DEFAULT_ROUTER_BINARY} is missing: run bash router/install.sh first`);
}

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe.skipIf(!HAVE_ROUTER)('the hive-router engine answers as the apollo engine does', () => {
  let stack: Stack;
  let router: RunningGateway;
  /** Sends one request to both gateways; returns both answers. */
  const both = async (body: unknown, headers: Record<string, string> = {}) => {
    const [a, r] = await Promise.all([post(stack.gateway.url, body, headers), post(router.url, body, headers)]);
    return { a, r };
  };
  const same = async (body: unknown, headers: Record<string, string> = {}, what = JSON.stringify(body).slice(0, 120)) => {
    const { a, r } = await both(body, headers);
    expect(r.status, what).toBe(a.status);
    expect(r.body, what).toBe(a.body);
    return JSON.parse(a.body) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  };

  beforeAll(async () => {
    stack = await startStack();
    router = await startGateway({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger('gateway-hive-router', 'warn'),
      auth: stack.auth,
      internalKey: stack.internalKey,
      rateLimitPerMinute: 0,
      urls: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, l]) => [name, l.url])),
      engine: 'hive-router',
    });
  }, 120_000);
  afterAll(async () => {
    await router?.stop();
    await stack?.stop();
  });

  it('the flagship over every project and several page sizes: byte-identical answers', async () => {
    let pages = 0;
    for (const projectId of [...new Set(stack.scenario.targets.map((t) => t.projectId))]) {
      let after: string | null = null;
      for (const first of [1, 7, 30, 100]) {
        const body = await same({ query: FLAGSHIP, variables: { projectId, first, after } });
        expect(body.errors).toBeUndefined();
        expect(body.data.releaseTargets.nodes.length).toBeGreaterThan(0);
        after = body.data.releaseTargets.pageInfo.endCursor;
        pages += 1;
      }
    }
    expect(pages).toBeGreaterThanOrEqual(12);
    // Apollo Server validated the flagship once; every later page took the fast path.
    expect(router.fastAnswers!()).toBeGreaterThanOrEqual(pages - 1);
    // A scoped caller sees only its project, through either engine.
    const scoped = await token('scoped.viewer', { 'pump-anomaly': 'viewer' });
    const mine = await same({ query: FLAGSHIP, variables: { projectId: 'pump-anomaly', first: 20 } }, bearer(scoped));
    expect(mine.data.releaseTargets.nodes.length).toBeGreaterThan(0);
    const other = await same({ query: FLAGSHIP, variables: { projectId: 'line-vision', first: 20 } }, bearer(scoped));
    expect(other.data.releaseTargets.nodes).toEqual([]);
  });

  it('aliases, directives, fragments, __typename and a named operation among several', async () => {
    const query = `query A { releaseTargets(first: 2) { totalCount } }
      query T($s: Boolean!) { releaseTargets(projectId: "pump-anomaly", first: 5) { kind: __typename nodes { id n: name ... @skip(if: $s) { line } ...Dep } } }
      fragment Dep on ReleaseTarget { currentDeployments { again: id id @include(if: $s) modelVersion { __typename version run { id } } } }`;
    for (const s of [true, false]) {
      const body = await same({ query, operationName: 'T', variables: { s } });
      expect(body.errors).toBeUndefined();
      expect(body.data.releaseTargets.nodes.length).toBe(5);
    }
  });

  it('refusals in front of the engine: no token, a bad token, parse, validation, depth, aliases, cost, unknown operation', async () => {
    const expired = await issueToken(DEV_AUTH, { sub: 'old', roles: { '*': 'viewer' } }, -60);
    const forged = await issueToken({ ...DEV_AUTH, secret: 'x'.repeat(40) }, { sub: 'eve', roles: { '*': 'admin' } });
    for (const t of [expired, forged, 'not-a-jwt']) {
      const body = await same({ query: '{ releaseTargets(first: 1) { totalCount } }' }, bearer(t));
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const deep = `{ releaseTargets(first: 1) { nodes { currentDeployments { modelVersion { run { modelVersions { nodes { run { modelVersions { nodes { run { modelVersions { nodes { run { modelVersions { nodes { id } } } } } } } } } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: releaseTargets(first: 1) { totalCount }`).join(' ')} }`;
    const flood = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: modelVersions(first: 500) { nodes { reusedBy(limit: 1000) { truncated } } }`).join(' ')} }`;
    const refusals: [string, string][] = [];
    for (const query of ['{ releaseTargets(first: 1) {', '{ releaseTargets(first: 1) { nope } }', deep, aliases, '{ releaseTargets(first: 100000) { totalCount } }', flood]) {
      const body = await same({ query });
      expect(body.data, query.slice(0, 60)).toBeUndefined();
      refusals.push([body.errors![0]!.extensions!.code as string, body.errors![0]!.message]);
    }
    // Apollo Server with GraphQL Armor reports a syntax error and Armor's static cost limit as validation failures.
    expect(refusals).toEqual([
      ['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/^Syntax Error: Expected Name, found <EOF>/)],
      ['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/Cannot query field "nope"/)],
      ['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/depth/i)],
      ['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/alias/i)],
      ['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/Query Cost limit of 200000 exceeded/)],
      ['RATE_LIMITED', expect.stringMatching(/^Query cost \d+ exceeds the limit of 200000/)],
    ]);
    for (const body of [{ query: 'query A { releaseTargets(first: 1) { totalCount } }', operationName: 'B' }, { query: 'query A { releaseTargets(first: 1) { totalCount } } query C { releaseTargets(first: 2) { totalCount } }' }]) {
      const { a, r } = await both(body);
      expect(a.status).toBe(400);
      expect([r.status, r.body]).toEqual([a.status, a.body]);
    }
    await same('{"query": ', {}, 'a body that is not JSON');
  });

  it('errors a subgraph answers pass through as the apollo engine passes them: BAD_USER_INPUT, a custom scalar literal, FORBIDDEN in a payload, a null entity', async () => {
    const tooBig = await same({ query: '{ releaseTargets(first: 501) { totalCount } }' });
    expect(tooBig.errors).toEqual([{ path: ['releaseTargets'], message: 'first: must be an integer from 0 to 500, got 501', extensions: { code: 'BAD_USER_INPUT', argument: 'first', serviceName: 'lineage' } }]);
    const scalar = await same({ query: '{ targetsTrainedOnDataBefore(before: "not a date", first: 1) { totalCount } }' });
    expect(scalar.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', serviceName: 'lineage' });
    // Sent again, each goes the fast path (Apollo Server validated it once): the same bytes.
    await same({ query: '{ releaseTargets(first: 501) { totalCount } }' });
    await same({ query: '{ targetsTrainedOnDataBefore(before: "not a date", first: 1) { totalCount } }' });
    const viewer = await token('vic.viewer', { '*': 'viewer' });
    const refused = await same(
      { query: 'mutation($p: ID!) { setReleasePolicy(projectId: $p, idempotencyKey: "hive-router-test", policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10 }) { errors { code message field } policy { requiredApprovals } } }', variables: { p: 'pump-anomaly' } },
      bearer(viewer),
    );
    expect(refused.data.setReleasePolicy.errors[0].code).toBe('FORBIDDEN');
    const missing = await same({ query: '{ modelVersion(id: "no-such-version") { id version } }' });
    expect(missing.data.modelVersion).toBeNull();
  });

  it('a subgraph that is down: its fields are null with SUBGRAPH_UNAVAILABLE naming it, never its address; the rest answers', async () => {
    await stack.stopSubgraph('monitoring');
    const query = '{ releaseTargets(projectId: "pump-anomaly", first: 3) { nodes { id currentDeployments { id health { status } } } } }';
    // Twice: the second goes the fast path, which maps and masks the router's errors itself.
    await both({ query });
    const fastBefore = router.fastAnswers!();
    const { a, r } = await both({ query });
    expect(router.fastAnswers!()).toBe(fastBefore + 1);
    expect(r.status).toBe(a.status);
    const [ab, rb] = [JSON.parse(a.body), JSON.parse(r.body)];
    expect(rb.data).toEqual(ab.data);
    expect(rb.data.releaseTargets.nodes.length).toBe(3);
    expect(rb.errors.length).toBeGreaterThan(0);
    for (const e of rb.errors) {
      expect(e.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'monitoring' });
      expect(e.message).toBe('The monitoring subgraph is unavailable; fields it provides are null');
    }
    expect(r.body).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED/);
    // Same errors as the apollo engine's, but for where in the answer each is reported.
    expect(rb.errors.map((e: { message: string; extensions: unknown }) => [e.message, e.extensions])).toEqual(ab.errors.map((e: { message: string; extensions: unknown }) => [e.message, e.extensions]).slice(0, rb.errors.length));
  });

  it('the router itself answers nothing without the signed caller header the gateway adds', async () => {
    const direct = await post(router.routerUrl!, { query: FLAGSHIP, variables: { projectId: 'pump-anomaly', first: 5 } });
    const body = JSON.parse(direct.body) as { data?: { releaseTargets?: unknown } | null; errors?: unknown[] };
    expect(body.data?.releaseTargets ?? null).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(router.routerUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});
