/**
 * The gateway as several node:cluster workers (workers.ts), started from its real entry point
 * in the production mode: the workers share the port, a caller's rate limit is one allowance
 * whichever worker answers, a worker that dies is replaced without resetting the allowance, and
 * SIGTERM stops them all. Only `{ __typename }` is asked: no subgraph is needed for it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '@mlops/kit';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = randomBytes(32).toString('base64url');
const ISSUER = 'https://idp.plant.example';
const AUDIENCE = 'mlops-gateway';
const RATE = 30;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** One request on its own connection, so the primary hands each to the next worker. */
function request(port: number, method: 'GET' | 'POST', p: string, body?: unknown, token?: string, timeoutMs = 10_000): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method, path: p, agent: false, headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let s = '';
        res.on('data', (d) => (s += String(d)));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(s) });
          } catch {
            reject(new Error(`${method} ${p}: HTTP ${res.statusCode}, not JSON: ${s.slice(0, 200)}`));
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${p}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** The gateway's worker processes (not, say, the esbuild service tsx may start beside them). */
const childrenOf = (pid: number) =>
  spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes('gateway/src/index.ts'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));

describe('the gateway as two cluster workers', () => {
  let child: ChildProcess;
  let port: number;
  let log = '';
  const token = (sub: string) => issueToken({ issuer: ISSUER, audience: AUDIENCE, secret: SECRET }, { sub, roles: { '*': 'viewer' } }, 600);
  const workerIds = async (n: number) => {
    const ids = new Set<number>();
    // A connection the primary handed to a worker as it was killed gets no answer: short timeout.
    for (let i = 0; i < n; i++) ids.add((await request(port, 'GET', '/health', undefined, undefined, 2_000)).json.worker);
    return ids;
  };

  beforeAll(async () => {
    port = await freePort();
    // node --import tsx rather than the tsx binary, so the gateway's primary is this child.
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'gateway/src/index.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        MLOPS_CONFIG: '',
        MLOPS_MODE: 'production',
        LOG_LEVEL: 'warn',
        AUTH_SECRET: SECRET,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        INTERNAL_KEY: randomBytes(32).toString('base64url'),
        WEBHOOK_SECRET: randomBytes(16).toString('hex'),
        GATEWAY_WORKERS: '2',
        GATEWAY_RATE_LIMIT: String(RATE),
        HOST: '127.0.0.1',
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (log += String(d)));
    child.stderr!.on('data', (d) => (log += String(d)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`the gateway did not listen:\n${log}`);
      // Ready when both workers answer.
      const ids = await workerIds(4).catch(() => new Set());
      if (ids.size === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('both workers answer on the one port', async () => {
    expect(await workerIds(6)).toEqual(new Set([1, 2]));
    expect(childrenOf(child.pid!)).toHaveLength(2);
  });

  it("limits a caller to one allowance across the workers; a worker's death neither resets it nor stops the gateway", async () => {
    const t = await token('greedy');
    const started = Date.now();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof request>> | undefined;
    for (let i = 0; i < RATE * 2; i++) {
      const r = await request(port, 'POST', '/graphql', { query: `query Q${i} { __typename }` }, t);
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    const ok = statuses.filter((s) => s === 200).length;
    // The bucket refills RATE per minute while the loop runs; with a bucket per worker about
    // twice RATE would pass.
    const refill = Math.ceil(((Date.now() - started) / 60_000) * RATE) + 1;
    expect(ok).toBeGreaterThanOrEqual(RATE);
    expect(ok).toBeLessThanOrEqual(RATE + refill);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    expect(limited!.json.errors[0].extensions.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    // Another caller has its own allowance.
    expect((await request(port, 'POST', '/graphql', { query: '{ __typename }' }, await token('someone-else'))).status).toBe(200);

    const emptiedAt = Date.now();
    const [first] = childrenOf(child.pid!);
    process.kill(first!, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let ids = new Set<number>();
    while (Date.now() < deadline) {
      ids = await workerIds(4).catch(() => new Set<number>());
      if ([...ids].some((id) => id > 2) && ids.size === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // A third worker took the dead one's place.
    expect([...ids].some((id) => id > 2), log).toBe(true);
    expect(childrenOf(child.pid!)).toHaveLength(2);
    // Only what refilled since the bucket was emptied passes; a fresh bucket in the new worker
    // would let about half of these through.
    const after: number[] = [];
    for (let i = 0; i < 20; i++) after.push((await request(port, 'POST', '/graphql', { query: `query R${i} { __typename }` }, t)).status);
    const refilled = Math.ceil(((Date.now() - emptiedAt) / 60_000) * RATE) + 1;
    expect(after.filter((s) => s === 200).length).toBeLessThanOrEqual(refilled);
    expect(after.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20 - refilled);
  });

  it('SIGTERM stops the primary and every worker', async () => {
    const workers = childrenOf(child.pid!);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    await expect(request(port, 'GET', '/health')).rejects.toThrow();
  });
});
