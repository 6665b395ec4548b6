/**
 * The hive-router engine's own logic, without the router: how its errors become ours, and the
 * startup refusal without a binary. The engine against a real router is
 * test/integration/hive-router.int.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { answerHasNoErrors, DEFAULT_ROUTER_BINARY, defaultRouterWorkers, resultOf, routerError, startHiveRouter } from './hive-router.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SUPERGRAPH = readFileSync(path.join(ROOT, 'schema/supergraph.graphql'), 'utf8');
const API = readFileSync(path.join(ROOT, 'schema/api.graphql'), 'utf8');

/** Processes whose environment names this router configuration: the watchdog shell and the router. */
function processesOf(configFile: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ROUTER_CONFIG_FILE_PATH=${configFile}`)) out.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

async function gone(configFile: string, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (processesOf(configFile).length === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

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
    const r = resultOf({ status: 502, chunks: [Buffer.from('<html>bad '), Buffer.from('gateway</html>')] });
    expect(r.data).toBeUndefined();
    expect(r.errors?.map((e) => e.extensions.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(resultOf({ status: 200, chunks: [Buffer.from('{"data":{"a":'), Buffer.from('1}}')] })).toEqual({ data: { a: 1 } });
  });

  it('reads an answer as free of errors only when its shape rules errors out, wherever the pieces split', () => {
    const split = (text: string, at: number[]) => {
      const b = Buffer.from(text);
      const cuts = [0, ...at, b.length];
      return cuts.slice(1).map((end, i) => b.subarray(cuts[i], end));
    };
    const answers: [string, boolean][] = [
      ['{"data":{"a":[1,2]}}', true],
      ['{"data":{}}', true],
      ['{"data":null}', true],
      ['{"data":{"a":1},"errors":[{"message":"x"}]}', false],
      ['{"data":null,"errors":[{"message":"x"}]}', false],
      ['{"errors":[{"message":"x"}]}', false],
      ['{"data":{"a":1},"extensions":{"b":[1]}}', true],
      ['{"data":{"errors":[]}}', true],
      ['<html>bad gateway</html>', false],
      ['', false],
    ];
    // The one shape that would fool the check, extensions after errors, needs configuration
    // this router never gets (startHiveRouter writes it): no propagated subgraph extensions, no
    // exposed query plans.
    for (const [text, clean] of answers) {
      for (const at of [[], [text.length - 1].filter((n) => n > 0), [1, text.length - 2].filter((n) => n > 1 && n < text.length)]) {
        expect(answerHasNoErrors({ status: 200, chunks: split(text, at) }), `${text} split at ${at.join(',')}`).toBe(clean);
      }
    }
    expect(answerHasNoErrors({ status: 500, chunks: [Buffer.from('{"data":{"a":1}}')] })).toBe(false);
    expect(answerHasNoErrors({ status: 200, chunks: [] })).toBe(false);
  });
});

describe('startHiveRouter', () => {
  it('refuses to start without the binary and names the script that builds it', async () => {
    await expect(
      startHiveRouter({ binary: '/nonexistent/hive_router', supergraphSdl: '', apiSdl: 'type Query { a: Int }', urls: {}, subgraphTimeoutMs: 1000, requestTimeoutMs: 2000, logger: createLogger('test', 'error') }),
    ).rejects.toThrow(/router binary \/nonexistent\/hive_router is missing; build it once with "bash router\/install\.sh"/);
  });
});

describe.skipIf(!existsSync(DEFAULT_ROUTER_BINARY))('the router never outlives its gateway process', () => {
  const opts = { supergraphSdl: SUPERGRAPH, apiSdl: API, urls: {}, subgraphTimeoutMs: 1000, requestTimeoutMs: 2000, logger: createLogger('test', 'error') };

  it('runs the router with the workers asked for, by default one per core less our gateway process’s', async () => {
    expect(defaultRouterWorkers()).toBe(Math.max(1, os.availableParallelism() - 1));
    const router = await startHiveRouter({ ...opts, workers: 3 });
    try {
      expect((JSON.parse(readFileSync(router.configFile, 'utf8')) as { http: { workers: number } }).http.workers).toBe(3);
      // ntex names each worker's thread main:worker:N; the router really runs three.
      const [pid] = processesOf(router.configFile).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith(DEFAULT_ROUTER_BINARY));
      const names = readdirSync(`/proc/${pid}/task`).map((t) => readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim());
      expect(names.filter((n) => /^main:worker:\d+$/.test(n)).length).toBe(3);
    } finally {
      await router.stop();
    }
  });

  it('stop() ends the router and its watchdog', async () => {
    const router = await startHiveRouter(opts);
    expect((JSON.parse(readFileSync(router.configFile, 'utf8')) as { http: { workers: number } }).http.workers).toBe(defaultRouterWorkers());
    // The watchdog shell, its watcher subshell and the router.
    expect(processesOf(router.configFile).length).toBe(3);
    await router.stop();
    expect(await gone(router.configFile)).toBe(true);
  });

  it('a gateway process killed with SIGKILL takes its router with it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlops-router-orphan-'));
    const script = path.join(dir, 'start.mts');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
import { createLogger } from ${JSON.stringify(path.join(ROOT, 'kit/src/index.ts'))};
import { startHiveRouter } from ${JSON.stringify(path.join(ROOT, 'gateway/src/hive-router.ts'))};
const r = await startHiveRouter({ supergraphSdl: readFileSync(${JSON.stringify(path.join(ROOT, 'schema/supergraph.graphql'))}, 'utf8'), apiSdl: readFileSync(${JSON.stringify(path.join(ROOT, 'schema/api.graphql'))}, 'utf8'), urls: {}, subgraphTimeoutMs: 1000, requestTimeoutMs: 2000, logger: createLogger('t', 'error') });
console.log('CONFIG ' + r.configFile);
setInterval(() => {}, 1000);
`,
    );
    // node itself with tsx's loader: the tsx command would run the script in a child of its own,
    // which a SIGKILL of the command leaves running.
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const configFile = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += String(d);
        const m = /CONFIG (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the gateway stand-in exited with ${code}: ${out}`)));
    });
    expect(processesOf(configFile).length).toBe(3);
    child.kill('SIGKILL');
    expect(await gone(configFile)).toBe(true);
  });
});
