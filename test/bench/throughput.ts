/**
 * Flagship throughput, old vs new (issue 11, goal 1; CPU per process for goals 2–3).
 *
 *   npx tsx test/bench/throughput.ts [--old <git-ref>] [--seconds 20] [--rounds 3]
 *     [--connections 50] [--systems old,new,new-embedded,hive-router] [--profile-seconds 0] [--sample 40]
 *     [--router-workers N] [--peer-workers N]
 *
 * Systems, each over its own fresh local Neo4j (neo4j/local-server.mjs) synced with the same
 * 300-target scenario, background sync off:
 *   old           the commit at --old (default 43c5fd3), checked out with `git worktree add`
 *                 into test/bench/.worktrees/ (git-ignored) with its own install (reused when
 *                 present): its scripts/embedded.ts runs the five subgraphs and the built-in
 *                 platforms in one process, and its gateway/src/index.ts runs as a process of
 *                 its own in front of them (what the issue measured).
 *   old-serve     the commit at --old in production mode (its scripts/serve.ts, laid out as
 *                 `new`): for comparing two commits that both have the production layout.
 *   old-router    old-serve on the hive-router engine (this checkout's router build): for
 *                 comparing two commits of the engine.
 *   new           the working tree in production mode: scripts/serve.ts with a generated
 *                 configuration (ports 0, random auth secret, internal key and webhook secret,
 *                 rate limit off), one process per subgraph, one for the built-in platforms,
 *                 one for the gateway.
 *   new-embedded  the working tree laid out like `old` (subgraphs in one process, gateway in
 *                 another): separates what the code changed from what the process layout did.
 *   new-router    `new` with GATEWAY_ENGINE=hive-router: the gateway process keeps our checks
 *                 (token, rate limit, Armor, cost, masking) and Hive Router, built by
 *                 router/install.sh and started by the gateway, plans and executes; its CPU is
 *                 the gateway's plus the router's (role `router`).
 *   hive-router   a dev-only peer (issue 11, goal 2): the same production-mode subgraph processes
 *                 as `new` (scripts/serve.ts; its own gateway process stays up but idle, reported
 *                 as `idle-gateway` and left out of every sum), with Hive Router 0.2 (Rust,
 *                 built by router/install.sh into router/.cache/) in front, reading
 *                 schema/supergraph.graphql with the subgraph URLs overridden. The subgraphs
 *                 answer only requests with a caller header signed with the internal key, so
 *                 the bench signs the one identity our gateway forwards for the bench's token
 *                 (kit signCaller), the load client sends it, and the router propagates it.
 *                 The peer therefore skips our token verification, cost model, limits and error
 *                 masking: its CPU is a lower bound for a router that did our work.
 *
 * Load: `--connections` concurrent keep-alive connections on loopback, each sending the next
 * body of one list of distinct flagship pages (3 projects × page sizes 30–100 × start cursors,
 * built by walking the cursors first) until `--seconds` have passed; rounds alternate between
 * the systems (old, new, old, new…) so machine noise lands on both. Per round: requests/s,
 * p50, p99, non-200 or GraphQL-error answers, CPU per request of each process from
 * /proc/<pid>/stat, peak RSS (VmHWM), subgraph requests per query (counted inside each
 * process by test/bench/probe.mjs). Before the rounds a sample of the bodies is sent to every
 * system and the answers are compared byte for byte. Medians over rounds, ratios against the
 * first system; JSON to test/bench/results/throughput-latest.json and a dated copy.
 * `--profile-seconds N` adds one N-second round per system with the V8 CPU profiler running in
 * every service process, and prints the top self-time functions.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
// @ts-expect-error plain JS module with JSDoc types
import { startLocalNeo4j } from '../../neo4j/local-server.mjs';
import { CALLER_HEADER, signCaller } from '@mlops/kit';
import { summarizeProfile, type ProfileSummary } from './cpuprofile.ts';
import { cmdline, cpuMs, descendants, groupByRole, load1, peakRssMiB } from './procstat.ts';
import { median, summarize } from './stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(HERE, '../..');
const PROBE = pathToFileURL(path.join(HERE, 'probe.mjs')).href;

const { values: args } = parseArgs({
  options: {
    old: { type: 'string', default: '43c5fd3' },
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    systems: { type: 'string', default: 'old,new' },
    'profile-seconds': { type: 'string', default: '0' },
    sample: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '5' },
    targets: { type: 'string', default: '300' },
    /** new-semi's young generation, MiB (serve.ts' default is 32). */
    semi: { type: 'string', default: '32' },
    /** new-workers' gateway processes (gateway.workers). */
    workers: { type: 'string', default: '2' },
    /** The hive-router engine's worker threads (gateway.routerWorkers) in new-router; default the gateway's. */
    'router-workers': { type: 'string', default: '' },
    /** The bare router's (hive-router) worker threads; default the router's own, one per core. */
    'peer-workers': { type: 'string', default: '' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const PROFILE_SECONDS = Number(args['profile-seconds']);
const SAMPLE = Number(args.sample);
const WARMUP_SECONDS = Number(args.warmup);
const TARGETS = Number(args.targets);
const SYSTEM_NAMES = args.systems.split(',').map((s) => s.trim()).filter(Boolean) as SystemName[];
type SystemName = 'old' | 'old-serve' | 'old-router' | 'new' | 'new-semi' | 'new-workers' | 'new-graphql-js' | 'new-embedded' | 'new-router' | 'hive-router';
const KNOWN_SYSTEMS = ['old', 'old-serve', 'old-router', 'new', 'new-semi', 'new-workers', 'new-graphql-js', 'new-embedded', 'new-router', 'hive-router'];
for (const s of SYSTEM_NAMES) if (!KNOWN_SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; use ${KNOWN_SYSTEMS.join(', ')}`);
const HIVE_ROUTER_BIN = path.join(MAIN, 'router', '.cache', 'bin', 'hive_router');
if ((['hive-router', 'new-router', 'old-router'] as const).some((n) => SYSTEM_NAMES.includes(n)) && !existsSync(HIVE_ROUTER_BIN)) throw new Error(`hive-router / new-router: ${path.relative(MAIN, HIVE_ROUTER_BIN)} is missing; build it once with router/install.sh (15–45 minutes)`);
const PEER_NOTE =
  'hive-router is a lower bound: it skips our token verification (the client sends a pre-signed caller header), cost model, limits and error masking, so its CPU is what a router costs before doing our work';

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------------------------------------
// The old checkout: a git worktree with its own install, reused across runs.

function git(...a: string[]): string {
  return execFileSync('git', ['-C', MAIN, ...a], { encoding: 'utf8' }).trim();
}

function ensureWorktree(ref: string): { root: string; sha: string; install: string } {
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const root = path.join(HERE, '.worktrees', `old-${sha.slice(0, 7)}`);
  if (!existsSync(path.join(root, 'package.json'))) {
    log(`worktree: git worktree add ${path.relative(MAIN, root)} ${sha.slice(0, 7)}`);
    mkdirSync(path.dirname(root), { recursive: true });
    git('worktree', 'add', '--detach', root, sha);
  }
  const marker = path.join(root, '.bench-install');
  if (!existsSync(marker) || !existsSync(path.join(root, 'node_modules', '@apollo', 'gateway'))) {
    const npm = (cmd: string[]) => execFileSync('npm', [...cmd, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    let how = 'npm ci';
    try {
      log(`worktree: npm ci in ${path.relative(MAIN, root)} (a minute or two)`);
      npm(['ci']);
    } catch (e) {
      // Older commits may carry a lock npm ci refuses (out of sync with package.json); npm install
      // keeps every version the lock pins and only fills in what is missing.
      const why = String((e as { stderr?: string }).stderr ?? e).split('\n').find((l) => /error/.test(l) && !/EBADENGINE/.test(l)) ?? 'failed';
      log(`worktree: npm ci failed (${why.trim()}); npm install instead`);
      npm(['install']);
      how = `npm install (npm ci refused: ${why.replace(/^npm error\s*/, '').trim()})`;
    }
    writeFileSync(marker, `${how}\n`);
  }
  return { root, sha, install: readFileSync(marker, 'utf8').trim() };
}

// ---------------------------------------------------------------------------------------------
// Secrets and the one caller token (HS256, viewer on every project, 2 h).

const ISSUER = 'mlops-throughput-bench';
const AUDIENCE = 'mlops-gateway';
const AUTH_SECRET = randomBytes(36).toString('base64url');
const INTERNAL_KEY = randomBytes(36).toString('base64url');
const WEBHOOK_SECRET = randomBytes(24).toString('base64url');

function mintToken(): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', roles: { '*': 'viewer' }, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 7200 })}`;
  return `${unsigned}.${createHmac('sha256', AUTH_SECRET).update(unsigned).digest('base64url')}`;
}
const TOKEN = mintToken();
/**
 * The caller header our gateway forwards for TOKEN (the identity createVerifier derives from it:
 * name defaults to sub), signed once for the whole run; the hive-router peer's client sends it.
 */
const PEER_CALLER = await signCaller(INTERNAL_KEY, { sub: 'bench', name: 'bench', roles: { '*': 'viewer' }, anonymous: false }, 6 * 3600);

// ---------------------------------------------------------------------------------------------
// Systems.

const CONTROL = mkdtempSync(path.join(os.tmpdir(), 'mlops-throughput-'));

interface LocalNeo4j {
  uri: string;
  user: string;
  password: string;
  pid: number;
  stop(): Promise<void>;
}

interface System {
  name: SystemName;
  label: string;
  root: string;
  gatewayUrl: string;
  /** Role → pids, read fresh from /proc (gateway, subgraph roles, platforms, supervisor, neo4j). */
  roles(): Record<string, number[]>;
  subgraphPorts: Set<string>;
  platformPorts: Set<string>;
  gatewayPort: string;
  agent: http.Agent;
  /** Sent with every request besides the bearer token (the peer's pre-signed caller header). */
  extraHeaders: Record<string, string>;
  stderrTail: string[];
  stop(): Promise<void>;
}

const running: System[] = [];
const children: ChildProcess[] = [];
const neo4js: LocalNeo4j[] = [];

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NODE_OPTIONS: `--import=${PROBE}`, BENCH_CONTROL_DIR: CONTROL };
  delete env.MLOPS_MODE;
  return env;
}

type Spawned = { child: ChildProcess; lines: AsyncIterable<string> & { next(): Promise<string> } };

function spawnTs(root: string, entry: string, env: NodeJS.ProcessEnv, tail: string[], tag: string): Spawned {
  const loader = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return spawnLogged(process.execPath, ['--import', loader, entry], root, env, tail, tag);
}

function spawnLogged(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv, tail: string[], tag: string): Spawned {
  const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const queue: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      const w = waiters.shift();
      if (w) w(l);
      else queue.push(l);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    for (const l of d.split('\n').filter(Boolean)) {
      tail.push(`[${tag}] ${l}`);
      if (tail.length > 60) tail.shift();
    }
  });
  const next = () => new Promise<string>((ok) => (queue.length ? ok(queue.shift()!) : waiters.push(ok)));
  return { child, lines: { next, async *[Symbol.asyncIterator]() { for (;;) yield await next(); } } };
}

async function waitFor<T>(what: string, p: Promise<T>, child: ChildProcess, tail: string[], ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`${what}: exited with code ${code}\n${tail.join('\n')}`))));
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`${what}: not ready within ${ms / 1000} s\n${tail.join('\n')}`)), ms)));
  try {
    return await Promise.race([p, exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => ok(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, tail: string[], what = 'gateway'): Promise<void> {
  const poll = async () => {
    for (;;) {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return;
      } catch {
        // not yet
      }
      await sleep(250);
    }
  };
  await waitFor(`${what} ${url}`, poll(), child, tail, 120_000);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const tree = descendants(child.pid);
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([done, sleep(15_000)]);
  // Whatever of its tree is still alive (a grandchild the supervisor did not stop) goes by pid.
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function writeConfig(neo: LocalNeo4j): string {
  const file = path.join(CONTROL, `config-${randomBytes(4).toString('hex')}.yaml`);
  const config = {
    mode: 'production',
    log: { level: 'warn' },
    scenario: { targets: TARGETS, seed: 42 },
    auth: { issuer: ISSUER, audience: AUDIENCE, secret: AUTH_SECRET, anonymousRole: 'none' },
    internal: { key: INTERNAL_KEY },
    gateway: { host: '127.0.0.1', port: 0, rateLimitPerMinute: 0 },
    subgraphs: Object.fromEntries(['training', 'catalog', 'inference', 'monitoring', 'lineage'].map((n) => [n, { host: '127.0.0.1', port: 0 }])),
    neo4j: { uri: neo.uri, user: neo.user, password: neo.password },
    lineage: { syncIntervalMs: 0, webhookSecret: WEBHOOK_SECRET },
  };
  // JSON is YAML.
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const portOf = (url: string) => new URL(url).port;

async function startSystem(name: SystemName, oldRoot: string | null): Promise<System> {
  const root = name === 'old' || name === 'old-serve' || name === 'old-router' ? oldRoot! : MAIN;
  log(`${name}: starting Neo4j`);
  const neo = (await startLocalNeo4j({ heap: '512m', pagecache: '512m' })) as LocalNeo4j;
  neo4js.push(neo);
  const config = writeConfig(neo);
  const tail: string[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const common = { MLOPS_CONFIG: config, LOG_LEVEL: 'warn', AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_SECRET, AUTH_ANONYMOUS_ROLE: 'none', INTERNAL_KEY, GATEWAY_RATE_LIMIT: '0' };

  if (name === 'new' || name === 'old-serve' || name === 'old-router' || name === 'new-semi' || name === 'new-workers' || name === 'new-graphql-js' || name === 'new-router' || name === 'hive-router') {
    log(`${name}: npm run serve (scripts/serve.ts) with a generated production config`);
    const env = childEnv(common);
    // new-semi: every service with a 32 MiB young generation (V8's default is 16 MiB on 64-bit):
    // the measurement (2026-11-24) after which scripts/serve.ts sets it by default, so today
    // new and new-semi are the same unless NODE_OPTIONS is changed.
    if (name === 'new-semi') env.NODE_OPTIONS = `${env.NODE_OPTIONS} --max-semi-space-size=${Number(args.semi)}`;
    // new-graphql-js: the subgraphs on graphql-js's interpreter instead of graphql-jit (the
    // default since 2026-11-24): isolates what the compiled executor changed.
    if (name === 'new-graphql-js') env.SUBGRAPH_EXECUTOR = 'graphql-js';
    // new-workers: the gateway as `--workers` node:cluster processes sharing its port.
    if (name === 'new-workers') env.GATEWAY_WORKERS = String(Number(args.workers));
    // new-router: the gateway's hive-router engine (gateway/src/hive-router.ts): our checks in
    // the gateway process, Hive Router (started by it, reported as `router`) planning and executing.
    if (name === 'new-router') env.GATEWAY_ENGINE = 'hive-router';
    if (name === 'new-router' && args['router-workers']) env.GATEWAY_ROUTER_WORKERS = String(Number(args['router-workers']));
    // old-router: the commit at --old on the same engine, with this checkout's router build
    // (a worktree has none): for comparing two commits of the engine.
    if (name === 'old-router') Object.assign(env, { GATEWAY_ENGINE: 'hive-router', GATEWAY_ROUTER_BINARY: HIVE_ROUTER_BIN });
    const { child, lines } = spawnTs(root, path.join(root, 'scripts', 'serve.ts'), env, tail, name);
    const seen: string[] = [];
    await waitFor(
      `${name} serve`,
      (async () => {
        for await (const l of lines) {
          seen.push(l);
          if (l.includes('SERVE READY')) return;
        }
      })(),
      child,
      tail,
      240_000,
    );
    const url = (label: RegExp) => seen.map((l) => label.exec(l)?.[1]).find(Boolean);
    const gatewayUrl = url(/^\s+gateway\s+(http\S+)/)!;
    const subgraphPorts = new Set(['training', 'catalog', 'inference', 'monitoring', 'lineage'].map((n) => portOf(url(new RegExp(`^\\s+${n} subgraph\\s+(http\\S+)`))!)));
    const platforms = url(/^\s+built-in platforms\s+(http\S+)/);
    const entries: [string, string][] = [
      // Under the peer our gateway process runs but gets no request: kept apart, out of every sum.
      [name === 'hive-router' ? 'idle-gateway' : 'gateway', 'gateway/src/index.ts'],
      // The hive-router engine's router, a child of the gateway process.
      ['router', path.relative(root, HIVE_ROUTER_BIN)],
      ...['training', 'catalog', 'inference', 'monitoring', 'lineage'].map((n): [string, string] => [`subgraph:${n}`, `subgraphs/${n}/src/index.ts`]),
      ['platforms', 'scripts/platforms-host.ts'],
    ];
    const serveRoles = () => {
      const out: Record<string, number[]> = { supervisor: [], neo4j: [neo.pid] };
      for (const pid of descendants(child.pid!)) {
        const cmd = cmdline(pid);
        const role = entries.find(([, e]) => cmd.includes(path.join(root, e)))?.[0] ?? 'supervisor';
        (out[role] ??= []).push(pid);
      }
      return out;
    };
    if (name === 'hive-router') {
      const router = await startHiveRouter(Object.fromEntries(['training', 'catalog', 'inference', 'monitoring', 'lineage'].map((n) => [n, url(new RegExp(`^\\s+${n} subgraph\\s+(http\\S+)`))!])), tail);
      const peer: System = {
        name,
        label: `Hive Router ${router.version} (router/install.sh${args['peer-workers'] ? `, ${Number(args['peer-workers'])} worker(s)` : ', its default workers'}) in front of the same npm run serve subgraph processes; its client sends a pre-signed ${CALLER_HEADER}, the router propagates it`,
        root,
        gatewayUrl: router.url,
        subgraphPorts,
        platformPorts: new Set(platforms ? [portOf(platforms)] : []),
        gatewayPort: portOf(router.url),
        agent,
        extraHeaders: { [CALLER_HEADER]: PEER_CALLER },
        stderrTail: tail,
        roles: () => ({ ...serveRoles(), router: [router.child.pid!] }),
        async stop() {
          await stopChild(router.child);
          await stopChild(child);
          this.agent.destroy();
        },
      };
      return peer;
    }
    const sys: System = {
      name,
      label:
        name === 'old-serve'
          ? `${path.basename(root).replace('old-', '')}: npm run serve (one process per service)`
          : name === 'old-router'
          ? `${path.basename(root).replace('old-', '')}: npm run serve, GATEWAY_ENGINE=hive-router (gateway + router CPU summed)`
          : name === 'new-semi'
          ? `working tree, npm run serve, NODE_OPTIONS --max-semi-space-size=${Number(args.semi)}`
          : name === 'new-workers'
          ? `working tree, npm run serve, GATEWAY_WORKERS=${Number(args.workers)} (the gateway as ${Number(args.workers)} cluster workers)`
          : name === 'new-graphql-js'
            ? 'working tree, npm run serve, SUBGRAPH_EXECUTOR=graphql-js (subgraphs on the interpreter)'
            : name === 'new-router'
            ? 'working tree, npm run serve, GATEWAY_ENGINE=hive-router (our gateway\'s checks in front of Hive Router; gateway + router CPU summed)'
            : 'working tree, npm run serve (one process per service, subgraphs on graphql-jit)',
      root,
      gatewayUrl,
      subgraphPorts,
      platformPorts: new Set(platforms ? [portOf(platforms)] : []),
      gatewayPort: portOf(gatewayUrl),
      agent,
      extraHeaders: {},
      stderrTail: tail,
      roles: serveRoles,
      async stop() {
        await stopChild(child);
        this.agent.destroy();
      },
    };
    return sys;
  }

  // old and new-embedded: the checkout's embedded runner for the subgraphs, its gateway apart.
  log(`${name}: subgraphs (scripts/embedded.ts of ${path.relative(MAIN, root) || 'the working tree'}) and sync`);
  const sub = spawnTs(
    root,
    path.join(HERE, 'throughput-subgraphs.ts'),
    childEnv({ ...common, BENCH_ROOT: root, BENCH_TARGETS: String(TARGETS), NEO4J_URI: neo.uri, NEO4J_USER: neo.user, NEO4J_PASSWORD: neo.password }),
    tail,
    `${name} subgraphs`,
  );
  const urls = await waitFor(
    `${name} subgraphs`,
    (async () => {
      for await (const l of sub.lines) if (l.startsWith('BENCH_SUBGRAPHS ')) return JSON.parse(l.slice('BENCH_SUBGRAPHS '.length)) as Record<string, string>;
      throw new Error('unreachable');
    })(),
    sub.child,
    tail,
    240_000,
  );
  const port = await freePort();
  log(`${name}: gateway process on :${port}`);
  const gw = spawnTs(
    root,
    path.join(root, 'gateway', 'src', 'index.ts'),
    childEnv({
      ...common,
      HOST: '127.0.0.1',
      PORT: String(port),
      TRAINING_URL: urls.training!,
      CATALOG_URL: urls.catalog!,
      INFERENCE_URL: urls.inference!,
      MONITORING_URL: urls.monitoring!,
      LINEAGE_URL: urls.lineage!,
    }),
    tail,
    `${name} gateway`,
  );
  await waitHealthy(`http://127.0.0.1:${port}/health`, gw.child, tail);
  const sys: System = {
    name,
    label: name === 'old' ? `${path.basename(root).replace('old-', '')}: embedded.ts subgraphs in one process, gateway process` : 'working tree: embedded.ts subgraphs in one process, gateway process',
    root,
    gatewayUrl: `http://127.0.0.1:${port}/graphql`,
    subgraphPorts: new Set(Object.values(urls).map(portOf)),
    platformPorts: new Set(),
    gatewayPort: String(port),
    agent,
    extraHeaders: {},
    stderrTail: tail,
    roles: () => ({ gateway: descendants(gw.child.pid!), subgraphs: descendants(sub.child.pid!), neo4j: [neo.pid] }),
    async stop() {
      await stopChild(gw.child);
      await stopChild(sub.child);
      this.agent.destroy();
    },
  };
  return sys;
}

/**
 * Hive Router over schema/supergraph.graphql, the subgraph URLs overridden with where serve.ts
 * started them, propagating only the caller header (our gateway forwards nothing else of the
 * client's), pooling subgraph connections for less than the subgraphs keep them open. Everything
 * else is the router's default (query-plan cache, in-flight de-duplication of identical subgraph
 * fetches, 100 connections per subgraph, 30 s subgraph timeout); the Laboratory page is off.
 */
async function startHiveRouter(urls: Record<string, string>, tail: string[]): Promise<{ child: ChildProcess; url: string; version: string }> {
  const port = await freePort();
  const config = {
    log: { level: 'warn' },
    laboratory: { enabled: false },
    // Its own default is one worker per core; --peer-workers sets it as gateway.routerWorkers
    // sets our engine's, for a like-for-like comparison.
    http: { host: '127.0.0.1', port, ...(args['peer-workers'] ? { workers: Number(args['peer-workers']) } : {}) },
    supergraph: { source: 'file', path: path.join(MAIN, 'schema', 'supergraph.graphql') },
    override_subgraph_urls: { subgraphs: Object.fromEntries(Object.entries(urls).map(([n, u]) => [n, { url: u }])) },
    headers: { all: { request: [{ propagate: { named: CALLER_HEADER } }] } },
    // Our subgraphs close a keep-alive connection after 5 s idle (kit/src/server.ts); undici, our
    // gateway's client, follows their Keep-Alive hint, while the router pools for 50 s by default
    // and can reuse a socket the subgraph is closing when a round starts after the router sat
    // idle through the other system's round.
    traffic_shaping: { all: { pool_idle_timeout: '4s' } },
  };
  const file = path.join(CONTROL, `hive-router-${port}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  // The binary has no --version flag (any argument starts it): install.sh records what it built.
  const built = path.join(path.dirname(HIVE_ROUTER_BIN), '.built');
  const version = existsSync(built) ? readFileSync(built, 'utf8').trim().split(' ')[0]! : '?';
  log(`hive-router: ${path.relative(MAIN, HIVE_ROUTER_BIN)} ${version} on :${port}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ROUTER_CONFIG_FILE_PATH: file };
  const { child } = spawnLogged(HIVE_ROUTER_BIN, [], CONTROL, env, tail, 'hive-router');
  await waitHealthy(`http://127.0.0.1:${port}/readiness`, child, tail, 'hive-router');
  return { child, url: `http://127.0.0.1:${port}/graphql`, version };
}

async function stopEverything(): Promise<void> {
  for (const s of running.splice(0)) await s.stop().catch(() => {});
  for (const c of children) await stopChild(c).catch(() => {});
  for (const n of neo4js.splice(0)) await n.stop().catch(() => {});
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping every service of this run`);
    void stopEverything().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP client: one POST, the whole answer read.

interface Answer {
  status: number;
  body: Buffer;
  ms: number;
}

function post(sys: System, body: Buffer, timeoutMs = 60_000): Promise<Answer> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const req = http.request(
      sys.gatewayUrl,
      {
        method: 'POST',
        agent: sys.agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${TOKEN}`, ...sys.extraHeaders },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end(body);
  });
}

async function gql<T>(sys: System, query: string, variables: Record<string, unknown>): Promise<T> {
  const a = await post(sys, Buffer.from(JSON.stringify({ query, variables })));
  const json = JSON.parse(a.body.toString('utf8')) as { data?: T; errors?: unknown };
  if (a.status !== 200 || json.errors || !json.data) throw new Error(`${sys.name}: HTTP ${a.status} ${a.body.toString('utf8').slice(0, 500)}`);
  return json.data;
}

// ---------------------------------------------------------------------------------------------
// Request bodies: distinct flagship pages.

const FLAGSHIP = readFileSync(path.join(MAIN, 'test', 'flagship.graphql'), 'utf8');
const PROJECTS = ['pump-anomaly', 'motor-vibration', 'energy-forecast'];
const CURSORS = `query($p: ID!, $after: String) { releaseTargets(projectId: $p, first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor } } }`;

interface Page {
  projectId: string;
  first: number;
  after: string | null;
  offset: number;
}

async function buildPages(sys: System): Promise<Page[]> {
  const pages: Page[] = [];
  for (const projectId of PROJECTS) {
    const cursors: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const d: { releaseTargets: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string }[] } } = await gql(sys, CURSORS, { p: projectId, after });
      cursors.push(...d.releaseTargets.edges.map((e) => e.cursor));
      if (!d.releaseTargets.pageInfo.hasNextPage) break;
      after = d.releaseTargets.pageInfo.endCursor;
    }
    const n = cursors.length;
    // Every page of size 30–100 a client walking the list would see (start at 0, follow the
    // cursors: the last page may be short), plus every other full page of those sizes.
    for (let first = 30; first <= 100; first++) {
      for (let offset = 0; offset < n; offset++) {
        if (offset % first === 0 || offset + first <= n) pages.push({ projectId, first, after: offset === 0 ? null : cursors[offset - 1]!, offset });
      }
    }
  }
  return pages;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const bodyOf = (p: Page) => Buffer.from(JSON.stringify({ query: FLAGSHIP, variables: { projectId: p.projectId, first: p.first, after: p.after } }));

// ---------------------------------------------------------------------------------------------
// Counters inside the service processes (probe.mjs).

function probedPids(sys: System): number[] {
  return Object.entries(sys.roles())
    .filter(([role]) => role !== 'neo4j')
    .flatMap(([, pids]) => pids)
    .filter((pid) => existsSync(path.join(CONTROL, `ready-${pid}`)));
}

async function signalProbes(sys: System, cmd: string): Promise<number[]> {
  writeFileSync(path.join(CONTROL, 'cmd'), cmd);
  const pids = probedPids(sys);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // gone
    }
  }
  return pids;
}

/** Requests each server port received so far, summed over the system's processes. */
async function readCounts(sys: System): Promise<Map<string, number>> {
  for (const f of readdirSync(CONTROL)) if (f.startsWith('counts-')) rmSync(path.join(CONTROL, f));
  const pids = await signalProbes(sys, 'counts');
  const deadline = Date.now() + 3000;
  const total = new Map<string, number>();
  const pending = new Set(pids);
  while (pending.size && Date.now() < deadline) {
    await sleep(50);
    for (const pid of [...pending]) {
      const f = path.join(CONTROL, `counts-${pid}.json`);
      if (!existsSync(f)) continue;
      try {
        const c = JSON.parse(readFileSync(f, 'utf8')) as Record<string, number>;
        for (const [port, n] of Object.entries(c)) total.set(port, (total.get(port) ?? 0) + n);
        pending.delete(pid);
      } catch {
        // half written: next poll
      }
    }
  }
  return total;
}

/** New connections for each phase: a keep-alive socket idle while the other system ran may be closed under us. */
function freshAgent(sys: System): void {
  sys.agent.destroy();
  sys.agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
}

const sumPorts = (m: Map<string, number>, ports: Set<string>) => [...ports].reduce((a, p) => a + (m.get(p) ?? 0), 0);

// ---------------------------------------------------------------------------------------------
// One round.

interface Round {
  system: SystemName;
  round: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  errors: number;
  non200: number;
  transportErrors: number;
  answerKB: number;
  cpuMsPerRequest: Record<string, number>;
  subgraphRequestsPerQuery: number | null;
  platformCallsPerQuery: number | null;
  clientCpuMsPerRequest: number;
  /** The first few failed answers of the round (status, the errors array or the transport error). */
  errorSamples: string[];
}

const cursor = new Map<SystemName, number>();
const wraps = new Map<SystemName, number>();

async function runLoad(sys: System, bodies: Buffer[], seconds: number) {
  freshAgent(sys);
  const lat: number[] = [];
  let errors = 0;
  let non200 = 0;
  let transport = 0;
  let bytes = 0;
  const errorSamples: string[] = [];
  const sample = (what: string) => {
    if (errorSamples.length < 3) errorSamples.push(what.slice(0, 400));
  };
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const nextBody = () => {
    let i = cursor.get(sys.name) ?? 0;
    if (i >= bodies.length) {
      i = 0;
      wraps.set(sys.name, (wraps.get(sys.name) ?? 0) + 1);
    }
    cursor.set(sys.name, i + 1);
    return bodies[i]!;
  };
  const worker = async () => {
    while (performance.now() < until) {
      try {
        const a = await post(sys, nextBody());
        lat.push(a.ms);
        bytes += a.body.length;
        if (a.status !== 200) {
          non200++;
          sample(`HTTP ${a.status} ${a.body.toString('utf8')}`);
        }
        // Answers start with {"data":…; a GraphQL error anywhere in them is an error.
        else if (a.body.includes('"errors":')) {
          errors++;
          const at = a.body.indexOf('"errors":');
          sample(`errors after ${Math.round(a.ms)} ms: ${a.body.subarray(at, at + 400).toString('utf8')}`);
        }
      } catch (e) {
        transport++;
        sample(`transport: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const ms = performance.now() - t0;
  return { lat, errors, non200, transport, bytes, ms, errorSamples };
}

async function measureRound(sys: System, bodies: Buffer[], seconds: number, round: number): Promise<Round> {
  const before = await readCounts(sys);
  const roles0 = sys.roles();
  const cpu0 = Object.fromEntries(Object.entries(roles0).map(([r, pids]) => [r, cpuMs(pids)]));
  const client0 = process.cpuUsage();
  const load = await runLoad(sys, bodies, seconds);
  const client = process.cpuUsage(client0);
  const cpu1 = Object.fromEntries(Object.entries(sys.roles()).map(([r, pids]) => [r, cpuMs(pids)]));
  const after = await readCounts(sys);
  const n = load.lat.length;
  const s = summarize(load.lat.length ? load.lat : [0]);
  const cpuMsPerRequest: Record<string, number> = {};
  for (const r of Object.keys(cpu1)) cpuMsPerRequest[r] = r2(((cpu1[r] ?? 0) - (cpu0[r] ?? 0)) / Math.max(1, n));
  const gatewayCount = (after.get(sys.gatewayPort) ?? 0) - (before.get(sys.gatewayPort) ?? 0);
  const counted = gatewayCount > 0 ? gatewayCount : n;
  const sub = sumPorts(after, sys.subgraphPorts) - sumPorts(before, sys.subgraphPorts);
  const plat = sumPorts(after, sys.platformPorts) - sumPorts(before, sys.platformPorts);
  return {
    system: sys.name,
    round,
    requests: n,
    seconds: r2(load.ms / 1000),
    rps: r1(n / (load.ms / 1000)),
    p50: Math.round(s.p50),
    p99: Math.round(s.p99),
    mean: Math.round(s.mean),
    errors: load.errors,
    non200: load.non200,
    transportErrors: load.transport,
    answerKB: r1(load.bytes / Math.max(1, n) / 1024),
    cpuMsPerRequest,
    subgraphRequestsPerQuery: sub > 0 ? r2(sub / counted) : null,
    platformCallsPerQuery: sys.platformPorts.size ? r2(plat / counted) : null,
    clientCpuMsPerRequest: r2((client.user + client.system) / 1000 / Math.max(1, n)),
    errorSamples: load.errorSamples,
  };
}

// ---------------------------------------------------------------------------------------------
// Main.

const started = new Date();
const machine = {
  nproc: os.cpus().length,
  cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?',
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  loadBefore: readFileSync('/proc/loadavg', 'utf8').trim(),
};
log(`load average before: ${machine.loadBefore}`);

// "new" is the working tree as the services load it at start: its commit and how far it differs.
const newHead = git('rev-parse', '--short', 'HEAD');
const newUncommittedFiles = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;

let exitCode = 0;
try {
  const worktree = SYSTEM_NAMES.some((n) => n === 'old' || n === 'old-serve' || n === 'old-router') ? ensureWorktree(args.old) : null;
  const systems: System[] = [];
  for (const name of SYSTEM_NAMES) {
    const sys = await startSystem(name, worktree?.root ?? null);
    running.push(sys);
    systems.push(sys);
    log(`${name}: ready at ${sys.gatewayUrl}; processes ${JSON.stringify(Object.fromEntries(Object.entries(sys.roles()).map(([r, p]) => [r, p.length])))}`);
  }

  log('walking the cursors for the page list');
  const pages = shuffle(await buildPages(systems[0]!), 11);
  const bodies = pages.map(bodyOf);
  log(`${bodies.length} distinct flagship pages (${PROJECTS.length} projects × first 30–100 × start cursors)`);

  // Byte-identical answers on a sample, every system against the first.
  const step = Math.max(1, Math.floor(bodies.length / SAMPLE));
  const sampleIdx = Array.from({ length: Math.min(SAMPLE, bodies.length) }, (_, i) => i * step);
  const differences: { system: SystemName; page: Page; reason: string }[] = [];
  let identical = 0;
  // Apollo Server ends every answer with "\n"; Hive Router does not. Counted apart, never hidden.
  let newlineOnly = 0;
  const trimNewline = (b: Buffer) => (b.length && b[b.length - 1] === 0x0a ? b.subarray(0, b.length - 1) : b);
  for (const s of systems) freshAgent(s);
  for (const i of sampleIdx) {
    const answers = await Promise.all(
      systems.map((s) =>
        post(s, bodies[i]!)
          // One retry on a new connection: a transport error here is not an answer to compare.
          .catch(() => (freshAgent(s), post(s, bodies[i]!)))
          .catch((e: Error) => {
            throw new Error(`${s.name}: ${e.message} on ${JSON.stringify({ projectId: pages[i]!.projectId, first: pages[i]!.first, offset: pages[i]!.offset })}`);
          }),
      ),
    );
    const ref = answers[0]!;
    if (ref.status !== 200 || ref.body.includes('"errors":')) differences.push({ system: systems[0]!.name, page: pages[i]!, reason: `reference answer: HTTP ${ref.status} ${ref.body.toString('utf8').slice(0, 300)}` });
    answers.slice(1).forEach((a, k) => {
      if (a.body.equals(ref.body) && a.status === ref.status) return void identical++;
      if (trimNewline(a.body).equals(trimNewline(ref.body)) && a.status === ref.status) return void newlineOnly++;
      let at = 0;
      while (at < a.body.length && a.body[at] === ref.body[at]) at++;
      const around = (b: Buffer) => b.subarray(Math.max(0, at - 80), at + 80).toString('utf8');
      differences.push({
        system: systems[k + 1]!.name,
        page: pages[i]!,
        reason: `HTTP ${a.status} vs ${ref.status}, ${a.body.length} vs ${ref.body.length} bytes, first difference at byte ${at}:\n    ${systems[k + 1]!.name}: …${around(a.body)}…\n    ${systems[0]!.name}: …${around(ref.body)}…`,
      });
    });
  }
  const comparisons = sampleIdx.length * (systems.length - 1);
  const identityLine =
    `identical answers: ${identical}/${comparisons} sampled comparisons byte for byte` +
    (newlineOnly ? `; ${newlineOnly} more identical but for the final newline Apollo Server appends (the other system's answer ends at the closing brace)` : '') +
    (differences.length ? ` (${differences.length} differences, see above)` : '');
  log(identityLine);
  for (const d of differences.slice(0, 5)) log(`  DIFFERENCE ${d.system} ${JSON.stringify({ projectId: d.page.projectId, first: d.page.first, offset: d.page.offset })}: ${d.reason}`);

  // Warm-up (JIT, connection pools, Neo4j page cache), not measured.
  for (const sys of systems) {
    log(`${sys.name}: warm-up ${WARMUP_SECONDS} s`);
    await runLoad(sys, bodies, WARMUP_SECONDS);
  }

  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sys of systems) {
      const r = await measureRound(sys, bodies, SECONDS, round);
      rounds.push(r);
      const g = groupByRole(r.cpuMsPerRequest);
      log(
        `round ${round} ${sys.name.padEnd(12)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors + r.non200 + r.transportErrors}  ` +
          `CPU ms/req gw ${r2(g.gateway)} sub ${r2(g.subgraphs)} neo ${r2(g.neo4j)}  subgraph req/query ${r.subgraphRequestsPerQuery ?? '-'}  load ${load1()}`,
      );
      for (const e of r.errorSamples) log(`    error: ${e}`);
    }
  }

  // Peak RSS over the whole run (VmHWM is a process's high-water mark).
  const rss: Record<string, Record<string, number>> = {};
  for (const sys of systems) rss[sys.name] = Object.fromEntries(Object.entries(sys.roles()).map(([r, pids]) => [r, peakRssMiB(pids)]));

  // Profiles: one short round per system with the V8 profiler in every service process.
  const profiles: Record<string, Record<string, ProfileSummary & { pid: number; file: string }>> = {};
  if (PROFILE_SECONDS > 0) {
    for (const sys of systems) {
      for (const f of readdirSync(CONTROL)) if (f.startsWith('prof-')) rmSync(path.join(CONTROL, f));
      const roleOf = new Map(Object.entries(sys.roles()).flatMap(([r, pids]) => pids.map((p) => [p, r] as const)));
      const pids = await signalProbes(sys, 'prof-start');
      await sleep(300);
      log(`${sys.name}: profiling round of ${PROFILE_SECONDS} s`);
      const r = await measureRound(sys, bodies, PROFILE_SECONDS, 0);
      log(`  (profiled: ${r.rps} req/s, p50 ${r.p50} ms)`);
      await signalProbes(sys, 'prof-stop');
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && pids.some((p) => !existsSync(path.join(CONTROL, `prof-${p}.cpuprofile`)))) await sleep(200);
      profiles[sys.name] = {};
      for (const pid of pids) {
        const file = path.join(CONTROL, `prof-${pid}.cpuprofile`);
        if (!existsSync(file)) continue;
        const role = roleOf.get(pid) ?? '?';
        const summary = summarizeProfile(file, sys.root);
        const dest = path.join(CONTROL, `${sys.name}-${role.replace(':', '-')}-${pid}.cpuprofile`);
        copyFileSync(file, dest);
        // tsx runs each service in a child of its CLI process: keep the busy one per role.
        const prev = profiles[sys.name]![role];
        if (!prev || summary.busyMs > prev.busyMs) profiles[sys.name]![role] = { ...summary, pid, file: dest };
      }
    }
  }

  // Table: medians over rounds.
  const med = (name: SystemName, f: (r: Round) => number | null) => {
    const xs = rounds.filter((r) => r.system === name).map(f).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length ? median(xs) : null;
  };
  type Row = [string, (name: SystemName) => number | null, number];
  const cpuOf = (k: 'gateway' | 'subgraphs' | 'neo4j' | 'total') => (name: SystemName) => med(name, (r) => groupByRole(r.cpuMsPerRequest)[k]);
  const rssOf = (k: 'gateway' | 'subgraphs' | 'neo4j') => (name: SystemName) => {
    const g = rss[name] ?? {};
    if (k === 'gateway') return g.gateway ?? g.router ?? null;
    return k === 'subgraphs' ? groupByRole(g).subgraphs : (g[k] ?? null);
  };
  const rows: Row[] = [
    ['requests/s', (n) => med(n, (r) => r.rps), 1],
    ['p50 ms', (n) => med(n, (r) => r.p50), 0],
    ['p99 ms', (n) => med(n, (r) => r.p99), 0],
    ['errors + non-200 (sum over rounds)', (n) => rounds.filter((r) => r.system === n).reduce((a, r) => a + r.errors + r.non200 + r.transportErrors, 0), 0],
    ['CPU ms/request: gateway (or router)', cpuOf('gateway'), 2],
    ['CPU ms/request: subgraph processes', cpuOf('subgraphs'), 2],
    ['CPU ms/request: Neo4j', cpuOf('neo4j'), 2],
    ['CPU ms/request: all', cpuOf('total'), 2],
    ['CPU ms/request: load client', (n) => med(n, (r) => r.clientCpuMsPerRequest), 2],
    ['peak RSS MiB: gateway (or router)', rssOf('gateway'), 0],
    ['peak RSS MiB: subgraph processes', rssOf('subgraphs'), 0],
    ['peak RSS MiB: Neo4j', rssOf('neo4j'), 0],
    ['subgraph requests/query', (n) => med(n, (r) => r.subgraphRequestsPerQuery), 2],
    ['platform RPC calls/query', (n) => med(n, (r) => r.platformCallsPerQuery), 2],
    ['answer KB (mean)', (n) => med(n, (r) => r.answerKB), 1],
  ];
  const base = systems[0]!.name;
  const fmt = (x: number | null, d: number) => (x === null ? '–' : x.toFixed(d));
  const header = ['metric (median of rounds)', ...systems.flatMap((s, i) => (i === 0 ? [s.name] : [s.name, `${s.name}/${base}`]))];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`,
    ...rows.map(([label, f, d]) => {
      const b = f(base);
      const cells = systems.flatMap((s, i) => {
        const v = f(s.name);
        if (i === 0) return [fmt(v, d)];
        return [fmt(v, d), v !== null && b ? `${(v / b).toFixed(2)}×` : '–'];
      });
      return `| ${label} | ${cells.join(' | ')} |`;
    }),
  ];
  const table = lines.join('\n');
  const perProcess = systems
    .map((s) => {
      const roles = [...new Set(rounds.filter((r) => r.system === s.name).flatMap((r) => Object.keys(r.cpuMsPerRequest)))];
      return `${s.name}: ${roles.map((role) => `${role} ${fmt(med(s.name, (r) => r.cpuMsPerRequest[role] ?? null), 2)} ms/req, ${rss[s.name]?.[role] ?? '–'} MiB`).join('; ')}`;
    })
    .join('\n');
  const profileText = Object.entries(profiles)
    .flatMap(([sys, byRole]) =>
      Object.entries(byRole)
        .filter(([role]) => role !== 'supervisor')
        .map(([role, p]) =>
          [
            `${sys} ${role} (pid ${p.pid}, ${p.busyMs} ms busy in ${p.wallMs} ms):`,
            ...p.functions.map((f, i) => `  ${String(i + 1).padStart(2)}. ${String(f.pct).padStart(5)}%  ${f.name}  ${f.where}`),
            `  by package: ${p.packages.map((k) => `${k.where} ${k.pct}%`).join(', ')}`,
          ].join('\n'),
        ),
    )
    .join('\n');

  const systemsInfo = systems.map((s) => ({ name: s.name, label: s.label, root: path.relative(MAIN, s.root) || '.', gatewayUrl: s.gatewayUrl }));
  const out = {
    date: started.toISOString(),
    machine,
    loadAfter: readFileSync('/proc/loadavg', 'utf8').trim(),
    settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, targets: TARGETS, routerWorkers: args['router-workers'] || null, peerWorkers: args['peer-workers'] || null, oldRef: args.old, oldSha: worktree?.sha ?? null, oldInstall: worktree?.install ?? null, newHead, newUncommittedFiles },
    systems: systemsInfo,
    ...(SYSTEM_NAMES.includes('hive-router') ? { peerNote: PEER_NOTE } : {}),
    pages: { distinct: bodies.length, sentPerSystem: Object.fromEntries(systems.map((s) => [s.name, (wraps.get(s.name) ?? 0) * bodies.length + (cursor.get(s.name) ?? 0)])), wraps: Object.fromEntries(wraps) },
    identity: { comparisons, identical, identicalButFinalNewline: newlineOnly, differences: differences.map((d) => ({ system: d.system, projectId: d.page.projectId, first: d.page.first, offset: d.page.offset, reason: d.reason })) },
    table,
    rounds,
    peakRssMiB: rss,
    profiles,
  };
  process.stdout.write(
    [
      '',
      `machine: ${machine.nproc}× ${machine.cpu}, ${machine.memGiB} GiB, Node ${machine.node}; load before ${machine.loadBefore}, after ${out.loadAfter}`,
      `date: ${out.date}; ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per system, alternating; ${bodies.length} distinct pages`,
      ...systemsInfo.map((s) => `  ${s.name}: ${s.label}`),
      identityLine,
      ...(SYSTEM_NAMES.includes('hive-router') ? [`note: ${PEER_NOTE}`] : []),
      '',
      table,
      '',
      'CPU per request and peak RSS by process:',
      perProcess,
      ...(profileText ? ['', `CPU profiles (self time, top 10; .cpuprofile files in ${CONTROL}):`, profileText] : []),
      '',
    ].join('\n'),
  );
  const results = path.join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  const json = JSON.stringify(out, null, 2) + '\n';
  writeFileSync(path.join(results, 'throughput-latest.json'), json);
  writeFileSync(path.join(results, `throughput-${out.date.slice(0, 19).replace(/:/g, '')}.json`), json);
  if (differences.length) exitCode = 3;
} catch (e) {
  log(`throughput: ${(e as Error).stack ?? e}`);
  for (const s of running) if (s.stderrTail.length) log(`--- ${s.name} stderr (last lines) ---\n${s.stderrTail.join('\n')}`);
  exitCode = 1;
} finally {
  await stopEverything();
  // The .cpuprofile files stay (their path is printed); nothing else of a run does.
  if (PROFILE_SECONDS <= 0 || exitCode === 1) rmSync(CONTROL, { recursive: true, force: true });
}
process.exit(exitCode);
