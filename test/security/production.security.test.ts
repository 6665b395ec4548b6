/**
 * The production mode, replayed as an attacker would: `scripts/serve.ts` (what `npm run serve`
 * runs) starts every subgraph, the gateway and the hosted built-in platforms as their own
 * processes over the real Neo4j, from a configuration file; the findings of the production-mode
 * issue are sent at it and the safe outcome is asserted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLER_HEADER, DEV_AUTH, issueToken, signCaller } from '@mlops/kit';
import { DEFAULT_ROUTER_BINARY } from '../../gateway/src/hive-router.ts';
import { wipeNeo4j } from '../helpers/neo4j-wipe.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const SECRET = randomBytes(32).toString('base64url');
const INTERNAL_KEY = randomBytes(32).toString('base64url');
const ISSUER = 'https://idp.plant.example';
const AUDIENCE = 'mlops-gateway';
const RATE = 60;

/** The gateway engines this machine can run: hive-router once router/install.sh has built it (.ci/run does). */
const ENGINES = ['apollo', ...(existsSync(DEFAULT_ROUTER_BINARY) ? ['hive-router'] : [])];

function writeConfig(extra = '', engine = 'apollo'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlops-serve-'));
  const file = path.join(dir, 'mlops.config.yaml');
  const n = inject('neo4j');
  writeFileSync(
    file,
    `mode: production
log: { level: warn }
scenario: { targets: 30, seed: 42 }
auth: { issuer: ${ISSUER}, audience: ${AUDIENCE} }
gateway: { port: 0, rateLimitPerMinute: ${RATE}, engine: ${engine} }
subgraphs:
  training: { port: 0 }
  catalog: { port: 0 }
  inference: { port: 0 }
  monitoring: { port: 0 }
  lineage: { port: 0 }
neo4j: { uri: ${JSON.stringify(n.uri)}, user: ${JSON.stringify(n.user)} }
lineage: { syncIntervalMs: 0 }
${extra}`,
  );
  return file;
}

/** Secrets come from the environment, as the README recommends. */
const secretEnv = () => ({ AUTH_SECRET: SECRET, INTERNAL_KEY, NEO4J_PASSWORD: inject('neo4j').password, WEBHOOK_SECRET: randomBytes(16).toString('hex') });

const tok = (roles: Record<string, string>, sub = 'eve', ttl = 3600) =>
  issueToken({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET }, { sub, roles: roles as never }, ttl);

interface Served {
  child: ChildProcess;
  urls: Record<string, string>;
}

async function serve(file: string): Promise<Served> {
  const child = spawn(TSX, [path.join(ROOT, 'scripts/serve.ts')], {
    cwd: ROOT,
    env: { ...process.env, MLOPS_CONFIG: file, ...secretEnv() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const deadline = Date.now() + 150_000;
  while (!out.includes('SERVE READY')) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`serve not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const urls: Record<string, string> = {};
  for (const m of out.matchAll(/^ {2}(gateway|training subgraph|catalog subgraph|inference subgraph|monitoring subgraph|lineage subgraph)\s+(\S+)$/gm)) {
    urls[m[1]!.split(' ')[0]!] = m[2]!;
  }
  return { child, urls };
}

async function graphCounts(): Promise<{ nodes: number; rels: number }> {
  const n = inject('neo4j');
  const driver = neo4j.driver(n.uri, neo4j.auth.basic(n.user, n.password));
  try {
    const r = await driver.executeQuery('MATCH (x) WITH count(x) AS nodes OPTIONAL MATCH ()-[r]->() RETURN nodes, count(r) AS rels');
    return { nodes: r.records[0]!.get('nodes').toNumber(), rels: r.records[0]!.get('rels').toNumber() };
  } finally {
    await driver.close();
  }
}

describe('production configuration is refused when unsafe', () => {
  const run = (env: Record<string, string>, file?: string) =>
    spawnSync(TSX, [path.join(ROOT, 'scripts/serve.ts')], { cwd: ROOT, env: { ...process.env, MLOPS_CONFIG: file ?? writeConfig(), ...env }, encoding: 'utf8', timeout: 60_000 });

  it('refuses the development secret and a missing internal key, naming each key', () => {
    const r = run({ AUTH_SECRET: DEV_AUTH.secret, AUTH_ISSUER: DEV_AUTH.issuer, NEO4J_PASSWORD: 'x' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('auth.secret: is the public development secret');
    expect(r.stderr).toContain('auth.issuer: is the development issuer');
    expect(r.stderr).toContain('internal.key: production needs a key');
    expect(r.stderr).toContain('lineage.webhookSecret');
  });

  it('lists every problem of an invalid file by key path', () => {
    const r = run(secretEnv(), writeConfig('extra: 1\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Unrecognized key: "extra"');
    const bad = writeConfig();
    writeFileSync(bad, `mode: production\ngateway: { port: 70000, maxDepth: zero }\nauth: { anonymousRole: god, jwksUrl: ftp://x }\nexecution: { subgraphs: fast }\n`);
    const r2 = run(secretEnv(), bad);
    expect(r2.status).toBe(1);
    for (const key of ['gateway.port', 'gateway.maxDepth', 'auth.anonymousRole', 'auth.jwksUrl', 'execution.subgraphs']) expect(r2.stderr).toContain(key);
  });

  it('refuses gateway.workers above 1 with the hive-router engine, an unknown engine, and no router worker', () => {
    const workers = writeConfig('', 'hive-router');
    writeFileSync(workers, readFileSync(workers, 'utf8').replace('engine: hive-router', 'engine: hive-router, workers: 2'));
    const r = run(secretEnv(), workers);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('gateway.workers: the hive-router engine runs one gateway process');
    const f = writeConfig();
    writeFileSync(f, readFileSync(f, 'utf8').replace('engine: apollo', 'engine: nginx'));
    const r2 = run(secretEnv(), f);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('gateway.engine');
    const w = writeConfig('', 'hive-router');
    writeFileSync(w, readFileSync(w, 'utf8').replace('engine: hive-router', 'engine: hive-router, routerWorkers: 0'));
    const r3 = run(secretEnv(), w);
    expect(r3.status).toBe(1);
    expect(r3.stderr).toContain('gateway.routerWorkers');
  });
});

describe.each(ENGINES)('production mode (one process per service, real Neo4j), gateway.engine %s', (engine) => {
  let served: Served;
  let gw: string;
  const post = (body: unknown, headers: Record<string, string> = {}, url = gw) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    served = await serve(writeConfig('', engine));
    gw = served.urls.gateway!;
  }, 180_000);
  afterAll(async () => {
    if (served && served.child.exitCode === null) {
      const exited = new Promise((r) => served.child.once('exit', r));
      served.child.kill('SIGTERM');
      await exited;
    }
    // Production mode synced its own 300-target plant into the shared Neo4j, with watermarks a
    // later file's smaller plant would sync on top of; leave the database empty behind us.
    await wipeNeo4j(inject('neo4j'));
  });

  it('answers a valid token through every subgraph process (the lineage process borrows the serving platform of the inference process)', async () => {
    const t = await tok({ '*': 'viewer' });
    const res = await post({ query: '{ releaseTargets(projectId: "pump-anomaly", first: 3) { totalCount nodes { id currentDeployments { modelVersion { id run { id } } health { status } } } } }' }, bearer(t));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.releaseTargets.totalCount).toBeGreaterThan(3);
    const dep = body.data.releaseTargets.nodes[0].currentDeployments[0];
    expect(dep.modelVersion.run.id).toBeTruthy();
    expect(dep.health.status).toBeTruthy();
  });

  it('401 for anonymous, forged-secret, alg none, expired, no-exp and too-long tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { roles: { '*': 'admin' } };
    const forged = await issueToken({ issuer: ISSUER, audience: AUDIENCE, secret: DEV_AUTH.secret }, { sub: 'mallory', roles: { '*': 'admin' } });
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: now + 600 })}.`;
    const key = new TextEncoder().encode(SECRET);
    const sign = (p: SignJWT) => p.setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuer(ISSUER).setAudience(AUDIENCE).sign(key);
    const expired = await sign(new SignJWT(claims).setIssuedAt(now - 7200).setExpirationTime(now - 3600));
    const noExp = await sign(new SignJWT(claims).setIssuedAt(now));
    const tooLong = await sign(new SignJWT(claims).setIssuedAt(now).setExpirationTime(now + 30 * 24 * 3600));
    const q = { query: '{ releaseTargets(projectId: "pump-anomaly", first: 1) { totalCount } }' };
    const anon = await post(q);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    for (const [what, t] of Object.entries({ forged, none, expired, noExp, tooLong, garbage: 'not.a.jwt' })) {
      const res = await post(q, bearer(t));
      expect(res.status, what).toBe(401);
      const body = (await res.json()) as any;
      expect(body.data, what).toBeUndefined();
      expect(body.errors[0].extensions.code, what).toBe('UNAUTHENTICATED');
    }
    const msgs = await Promise.all([noExp, tooLong].map(async (t) => ((await (await post(q, bearer(t))).json()) as any).errors[0].message));
    expect(msgs[0]).toMatch(/no exp/);
    expect(msgs[1]).toMatch(/longer than the allowed 86400 s/);
  });

  it('400 (not 500) for an unknown operationName', async () => {
    const t = await tok({ '*': 'viewer' });
    const res = await post({ query: 'query A { __typename }', operationName: 'B' }, bearer(t));
    expect(res.status).toBe(400);
  });

  it('refuses direct subgraph calls: no header, a user token, a header signed with another key; _service and _entities too', async () => {
    const user = await tok({ '*': 'admin' });
    const wrong = await signCaller(randomBytes(32).toString('hex'), { sub: 'x', name: 'x', roles: { '*': 'admin' }, anonymous: false });
    for (const name of ['training', 'catalog', 'inference', 'monitoring', 'lineage']) {
      const url = served.urls[name]!;
      for (const headers of [{}, bearer(user), { [CALLER_HEADER]: wrong }] as Record<string, string>[]) {
        for (const query of ['{ _service { sdl } }', '{ _entities(representations: [{ __typename: "ModelVersion", id: "x" }]) { __typename } }']) {
          const res = await post({ query }, headers, url);
          expect(res.status, `${name} ${JSON.stringify(headers).slice(0, 20)}`).toBe(401);
          expect(JSON.stringify(await res.json())).not.toContain('sdl');
        }
      }
    }
    // The gateway's own header is what works: the same request signed with the real key passes.
    const ok = await post({ query: '{ _service { sdl } }' }, { [CALLER_HEADER]: await signCaller(INTERNAL_KEY, { sub: 'gw', name: 'gw', roles: { '*': 'viewer' }, anonymous: false }) }, served.urls.training!);
    expect(ok.status).toBe(200);
  });

  it('the serving platform lent to the lineage process answers only the internal key', async () => {
    const base = served.urls.inference!.replace(/\/graphql$/, '');
    const res = await fetch(`${base}/rpc/inference/deploy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args: [{}] }) });
    expect(res.status).toBe(401);
    const wrong = await fetch(`${base}/rpc/inference/deploy`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mlops-internal-key': 'guess' }, body: JSON.stringify({ args: [{}] }) });
    expect(wrong.status).toBe(401);
  });

  it('/events: unauthenticated, viewer, and half-invalid batches are rejected with nothing written', async () => {
    const events = served.urls.lineage!.replace(/\/graphql$/, '/events');
    const good = { type: 'dataset_version.created', source: 'catalog', datasetVersion: { id: 'sec-ds@sha256:01', datasetId: 'sec-ds', version: 1, uri: 's3://sec/ds/', owner: 'qa@plant.example', createdAt: '2026-11-20T00:00:00Z' } };
    const bad = { type: 'deployment.changed', source: 'inference', deployment: { id: 'x', targetId: 'y', modelVersionId: 'z', from: 'yesterday', trafficPercent: 250, state: 'ACTIVE' } };
    const before = await graphCounts();
    const anon = await post({ events: [good] }, {}, events);
    expect(anon.status).toBe(401);
    const viewer = await post({ events: [good] }, bearer(await tok({ '*': 'viewer' })), events);
    expect(viewer.status).toBe(403);
    const writer = bearer(await tok({ '*': 'platform-writer' }, 'platform-bot'));
    const half = await post({ events: [good, bad] }, writer, events);
    expect(half.status).toBe(400);
    const body = (await half.json()) as any;
    expect(body.accepted).toBe(0);
    const problems = body.rejected[0].problems.join(' ');
    expect(problems).toContain('events.1.deployment.from');
    expect(problems).toContain('events.1.deployment.trafficPercent');
    expect(await graphCounts()).toEqual(before);
    // The writer's valid batch lands, once (idempotent).
    expect((await post({ events: [good] }, writer, events)).status).toBe(200);
    const after = await graphCounts();
    expect(after.nodes).toBeGreaterThan(before.nodes);
    await post({ events: [good] }, writer, events);
    expect(await graphCounts()).toEqual(after);
    // A push-only credential reads nothing.
    const read = (await (await post({ query: '{ modelVersions(first: 5) { totalCount } deployments(first: 5) { totalCount } }' }, writer)).json()) as any;
    expect(read.data.modelVersions.totalCount).toBe(0);
    expect(read.data.deployments.totalCount).toBe(0);
  });

  it('rejects the aliased traversal flood before it runs', async () => {
    const t = await tok({ '*': 'viewer' });
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: modelVersions(first: 500) { nodes { reusedBy(limit: 1000) { truncated } } }`).join('\n');
    const res = await post({ query: `{ ${aliases} }` }, bearer(t));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0].message).toMatch(/cost/);
    // One modest traversal page is fine.
    const one = await post({ query: '{ modelVersions(first: 20) { nodes { id reusedBy(limit: 5) { truncated } } } }' }, bearer(t));
    expect(one.status).toBe(200);
  });

  it('security headers on the gateway and GraphiQL, no inline script', async () => {
    for (const p of ['/graphiql', '/health']) {
      const res = await fetch(gw.replace(/\/graphql$/, p));
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
    const page = await (await fetch(gw.replace(/\/graphql$/, '/graphiql'))).text();
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('limits each caller to its requests per minute (429 with Retry-After), others unaffected', async () => {
    const t = await tok({ '*': 'viewer' }, 'greedy');
    const q = (i: number) => ({ query: `query Q${i} { __typename }` });
    let limited: Response | null = null;
    for (let i = 0; i < RATE + 40 && !limited; i++) {
      const res = await post(q(i), bearer(t));
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited!.json()) as any).errors[0].extensions.code).toBe('TOO_MANY_REQUESTS');
    const other = await post(q(0), bearer(await tok({ '*': 'viewer' }, 'someone-else')));
    expect(other.status).toBe(200);
  });
});
