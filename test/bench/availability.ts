/**
 * Availability bench (`npx tsx test/bench/availability.ts`): does one client's expensive
 * lineage traffic stall everybody else? This process runs the embedded stack (gateway and
 * subgraphs) with the lineage graph in a real local Neo4j; the clients run in two child
 * processes of their own, as they would on other machines, so their work (parsing megabytes
 * of lineage) never sits in the servers' event loop or skews the timings:
 *  - the probe child asks two steady cheap questions (one through Neo4j, one not), each ten
 *    times a second whatever the answers take, and polls the gateway's /health, idle first,
 *    then during the burst, then once more after it;
 *  - the burst child sends, with bounded concurrency for a bounded time, the most expensive
 *    queries the gateway's limits accept (deep lineage walks, deprecation impact of fleet base
 *    models, reuse of hundreds of model versions), every request a different body.
 * It reports the cheap p50/p99 under burst against idle, 5xx and error codes, whether /health
 * ever failed, and the peak RSS of the server process and of Neo4j. Prints a table and writes
 * test/bench/results/availability-latest.json. Loopback only; a benchmark, not a test.
 *
 * AVAIL_TARGETS (300), AVAIL_CONCURRENCY (20), AVAIL_BURST_S (30), AVAIL_IDLE_S (15).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { summarize, type Summary } from './stats.ts';

const TARGETS = Number(process.env.AVAIL_TARGETS ?? 300);
const CONCURRENCY = Number(process.env.AVAIL_CONCURRENCY ?? 20);
const BURST_MS = Number(process.env.AVAIL_BURST_S ?? 30) * 1000;
const IDLE_MS = Number(process.env.AVAIL_IDLE_S ?? 15) * 1000;
const WARMUP_MS = 2_000;
const AFTER_MS = 3_000;
/** No single bench request waits longer than this (the gateway's own limit is shorter). */
const REQUEST_CAP_MS = 60_000;
const PROBE_EVERY_MS = 100;
const HEALTH_EVERY_MS = 200;
const HEALTH_CAP_MS = 2_000;

const log = (s: string) => process.stderr.write(`${s}\n`);

/* ================================ what a client sees ================================ */

interface Reply {
  status: number;
  ms: number;
  /** extensions.code of each GraphQL error (`/reason` appended when given), or a transport failure. */
  codes: string[];
  hasData: boolean;
}

async function post(url: string, query: string, variables?: Record<string, unknown>): Promise<Reply> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_CAP_MS),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let body: { data?: unknown; errors?: { extensions?: { code?: string; reason?: string } }[] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      /* a non-JSON body counts by its status */
    }
    const codes = (body.errors ?? []).map((e) => `${e.extensions?.code ?? 'NO_CODE'}${e.extensions?.reason ? `/${e.extensions.reason}` : ''}`);
    return { status: res.status, ms, codes, hasData: body.data != null };
  } catch (e) {
    return { status: 0, ms: performance.now() - t0, codes: [(e as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NETWORK'], hasData: false };
  }
}

interface Tally {
  requests: number;
  /** 200 without any GraphQL error. */
  ok: number;
  status5xx: number;
  transportFailures: number;
  withErrors: number;
  /** Responses carrying each code (a code counts once per response, however many fields it failed). */
  codes: Record<string, number>;
  samples: number[];
}

const tally = (): Tally => ({ requests: 0, ok: 0, status5xx: 0, transportFailures: 0, withErrors: 0, codes: {}, samples: [] });

function count(t: Tally, r: Reply) {
  t.requests++;
  t.samples.push(r.ms);
  if (r.status >= 500) t.status5xx++;
  if (r.status === 0) t.transportFailures++;
  if (r.codes.length > 0) t.withErrors++;
  if (r.status === 200 && r.codes.length === 0) t.ok++;
  for (const c of new Set(r.codes)) t.codes[c] = (t.codes[c] ?? 0) + 1;
}

const report = (t: Tally) => {
  const { samples, ...rest } = t;
  return { ...rest, latency: samples.length ? summarize(samples) : null };
};

/* ================================ the two client processes ================================ */

interface ProbeSetup {
  url: string;
  health: string;
  cheap: Record<'lineage' | 'training', { query: string; ids: string[] }>;
}

interface ProbeResult {
  idle: Record<'lineage' | 'training', Tally>;
  burst: Record<'lineage' | 'training', Tally>;
  after: Tally;
  health: { polls: number; failures: number; failuresDuringBurst: number; samples: number[] };
}

/** The steady cheap client: warm-up, idle, then (told by the parent) burst, then after. */
async function probeRole(setup: ProbeSetup, waitFor: (msg: string) => Promise<void>): Promise<ProbeResult> {
  // Open loop: a request every PROBE_EVERY_MS whether or not the previous one has answered,
  // so a stall shows as many slow samples rather than as few (no coordinated omission).
  const loop = async (kind: 'lineage' | 'training', until: number, t: Tally) => {
    const c = setup.cheap[kind];
    const pending: Promise<void>[] = [];
    for (let i = 0; performance.now() < until; i++) {
      pending.push(post(setup.url, c.query, { id: c.ids[(i * 7) % c.ids.length] }).then((r) => count(t, r)));
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
    await Promise.all(pending);
  };
  const health = { polls: 0, failures: 0, failuresDuringBurst: 0, samples: [] as number[] };
  let burstOn = false;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const t = performance.now();
      let ok = false;
      try {
        const res = await fetch(setup.health, { signal: AbortSignal.timeout(HEALTH_CAP_MS) });
        ok = res.status === 200;
        await res.text();
      } catch {
        ok = false;
      }
      const ms = performance.now() - t;
      health.polls++;
      health.samples.push(ms);
      if (!ok) {
        health.failures++;
        if (burstOn) health.failuresDuringBurst++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, HEALTH_EVERY_MS - ms)));
    }
  })();
  const both = (until: number, into: Record<'lineage' | 'training', Tally>) => Promise.all([loop('lineage', until, into.lineage), loop('training', until, into.training)]);

  await both(performance.now() + WARMUP_MS, { lineage: tally(), training: tally() });
  const idle = { lineage: tally(), training: tally() };
  await both(performance.now() + IDLE_MS, idle);
  process.send!({ type: 'idle-done' });
  await waitFor('burst-start');
  burstOn = true;
  const burst = { lineage: tally(), training: tally() };
  await both(performance.now() + BURST_MS, burst);
  burstOn = false;
  await waitFor('burst-done');
  const after = tally();
  await loop('lineage', performance.now() + AFTER_MS, after);
  polling = false;
  await poller;
  return { idle, burst, after, health };
}

interface BurstResult {
  all: Tally;
  byKind: Record<string, Tally>;
  distinctBodies: number;
  wallMs: number;
}

/** The expensive client: CONCURRENCY requests in flight for BURST_MS, each body used once. */
async function burstRole(url: string, bodies: { kind: string; body: string }[]): Promise<BurstResult> {
  const all = tally();
  const byKind: Record<string, Tally> = {};
  const used = new Set<string>();
  let next = 0;
  const t0 = performance.now();
  const end = t0 + BURST_MS;
  const worker = async () => {
    while (performance.now() < end && next < bodies.length) {
      const b = bodies[next++]!;
      used.add(b.body);
      const r = await post(url, b.body);
      count(all, r);
      count((byKind[b.kind] ??= tally()), r);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { all, byKind, distinctBodies: used.size, wallMs: performance.now() - t0 };
}

if (process.env.AVAIL_ROLE) {
  // A client process: wait for the setup, run, send the result, exit.
  const inbox: string[] = [];
  const waiters: (() => void)[] = [];
  const waitFor = (type: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        const i = inbox.indexOf(type);
        if (i >= 0) {
          inbox.splice(i, 1);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  process.on('message', async (m: { type: string; setup?: unknown }) => {
    if (m.type === 'setup') {
      const result = process.env.AVAIL_ROLE === 'probe' ? await probeRole(m.setup as ProbeSetup, waitFor) : await burstRole(...(m.setup as [string, { kind: string; body: string }[]]));
      process.send!({ type: 'result', result }, () => process.exit(0));
      return;
    }
    inbox.push(m.type);
    for (const w of waiters.splice(0)) w();
  });
} else {
  await main();
}

/* ================================ the server process ================================ */

/** CPU seconds (user + system) a process has used, from /proc, or null where there is no /proc. */
function cpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s on Linux).
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * Where the time goes in a phase: CPU seconds of the server process (gateway and subgraphs)
 * and of Neo4j, and how late the server's event loop ran timers (a blocked loop delays
 * every request, cheap or not).
 */
function phaseMeter(neoPid: number) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const neo0 = cpuSeconds(neoPid);
  const t0 = performance.now();
  return () => {
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const neo1 = cpuSeconds(neoPid);
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    return {
      wallSeconds: Math.round((performance.now() - t0) / 100) / 10,
      serverCpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      neo4jCpuSeconds: neo0 === null || neo1 === null ? null : Math.round((neo1 - neo0) * 10) / 10,
      serverEventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    };
  };
}

/** Peak resident set of a process from /proc (kB), or null where there is no /proc. */
function peakRssKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function child(role: 'probe' | 'burst'): { proc: ChildProcess; result: Promise<any>; next: (type: string) => Promise<void> } {
  const proc = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, AVAIL_ROLE: role } });
  const listeners: ((m: { type: string; result?: unknown }) => void)[] = [];
  proc.on('message', (m: { type: string }) => listeners.forEach((l) => l(m)));
  const next = (type: string) => new Promise<void>((resolve) => listeners.push((m) => m.type === type && resolve()));
  const result = new Promise<any>((resolve, reject) => {
    listeners.push((m) => m.type === 'result' && resolve(m.result));
    proc.on('exit', (code) => code !== 0 && reject(new Error(`${role} client exited with ${code}`)));
  });
  return { proc, result, next };
}

async function main() {
  const { createLogger } = await import('@mlops/kit');
  const { startEmbedded } = await import('../../scripts/embedded.ts');
  // @ts-expect-error plain JS module with JSDoc types
  const { startLocalNeo4j } = await import('../../neo4j/local-server.mjs');

  const t0 = performance.now();
  const neo = await startLocalNeo4j({ heap: '1g', pagecache: '512m' });
  const stack = await startEmbedded({
    targets: TARGETS,
    basePort: 0,
    neo4j: { uri: neo.uri, user: neo.user, password: neo.password },
    logger: createLogger('bench', 'silent'),
  });
  log(`stack with ${TARGETS} targets on Neo4j up in ${Math.round(performance.now() - t0)} ms`);
  const clients: ChildProcess[] = [];
  try {
    const url = stack.gateway.url;
    const s = stack.scenario;
    const targets = s.targets.map((t) => t.id);
    const versions = s.modelVersions.map((m) => m.id);
    const probeSetup: ProbeSetup = {
      url,
      health: url.replace(/\/graphql$/, '/health'),
      cheap: {
        // Through the lineage subgraph and Neo4j: the client that pool exhaustion used to starve.
        lineage: { query: `query($id: ID!) { releaseTarget(id: $id) { id name servedAt { trafficPercent modelVersion { id } } } }`, ids: targets },
        // Training only: shows whether the gateway and the shared process slow down by themselves.
        training: { query: `query($id: ID!) { modelVersion(id: $id) { id name version } }`, ids: versions },
      },
    };

    /* ----- the expensive shapes, each from its largest size down to what the limits accept ----- */
    const bases = s.modelVersions.filter((m) => !m.targetId).map((m) => m.id);
    const names = [...new Set(s.modelVersions.map((m) => m.name))];
    const roots = [...versions, ...targets, ...s.datasetVersions.map((d) => d.id)];
    const pick = <T>(xs: readonly T[], n: number) => xs[n % xs.length]!;
    interface Shape {
      kind: string;
      describe: string;
      build: (n: number) => string;
    }
    const reuse = (first: number, limit: number): Shape => ({
      kind: 'reusedBy',
      describe: `modelVersions(first: ${first}) { nodes { reusedBy(limit: ${limit}) } }`,
      // Different slices (a model name filter, a varying page size and limit): no two bodies match.
      build: (n) =>
        `{ modelVersions(${n % 3 === 0 ? '' : `filter: { name: ${JSON.stringify(pick(names, n))} }, `}first: ${first - (n % 17)}) { nodes { id reusedBy(limit: ${limit - (n % 13)}) { truncated entries { kind path modelVersion { id } target { id } } } } } }`,
    });
    const lineage = (aliases: number, maxNodes: number): Shape => ({
      kind: 'lineage',
      describe: `${aliases} × lineage(direction: BOTH, depth: 6, maxNodes: ${maxNodes})`,
      build: (n) =>
        `{ ${Array.from({ length: aliases }, (_, i) => `l${i}: lineage(rootId: ${JSON.stringify(pick(roots, n * aliases + i * 131))}, direction: BOTH, depth: 6, maxNodes: ${maxNodes - (n % 11)}) { truncated nodes { id type label } edges { from to type since until } }`).join(' ')} }`,
    });
    const impact = (aliases: number, limit: number): Shape => ({
      kind: 'deprecationImpact',
      describe: `${aliases} × deprecationImpact(fleet base model, limit: ${limit})`,
      build: (n) =>
        `{ ${Array.from({ length: aliases }, (_, i) => `i${i}: deprecationImpact(modelVersionId: ${JSON.stringify(pick(bases, n + i))}, limit: ${limit - (n % 7) - i}) { totalTargets truncated targets { role target { id name } } derivedModels { depth path modelVersion { id } } derivedTargets { role depth target { id } modelVersion { id } } byProject { project { id } owners targets derivedModels derivedTargets } pendingReleases { releaseId } }`).join(' ')} }`,
    });
    const candidates: Shape[][] = [
      [reuse(500, 1000), reuse(500, 200), reuse(250, 200), reuse(100, 100), reuse(50, 50), reuse(20, 20)],
      [lineage(10, 2000), lineage(5, 2000), lineage(2, 2000), lineage(1, 2000), lineage(1, 1000), lineage(1, 500), lineage(1, 200)],
      [impact(10, 5000), impact(5, 5000), impact(2, 5000), impact(1, 5000), impact(1, 1000), impact(1, 200)],
    ];
    const refused: { shape: string; codes: string[] }[] = [];
    const accepted: (Shape & { probeMs: number; probeCodes: string[] })[] = [];
    for (const list of candidates) {
      for (const shape of list) {
        const r = await post(url, shape.build(0));
        // Refused up front (cost, aliases, bad input): try the next smaller one. A query the
        // limits let through counts even when the graph then gives up on it.
        if (r.status === 400 || (!r.hasData && r.codes.some((c) => /RATE_LIMITED|VALIDATION|BAD_USER_INPUT|BAD_REQUEST/.test(c)))) {
          refused.push({ shape: shape.describe, codes: [...new Set(r.codes)] });
          continue;
        }
        accepted.push({ ...shape, probeMs: Math.round(r.ms), probeCodes: [...new Set(r.codes)] });
        log(`expensive ${shape.kind}: ${shape.describe} accepted (alone: ${Math.round(r.ms)} ms${r.codes.length ? `, ${[...new Set(r.codes)].join(', ')}` : ''})`);
        break;
      }
    }
    if (accepted.length === 0) throw new Error(`the gateway refused every expensive shape: ${JSON.stringify(refused)}`);
    // More bodies than the burst can send; each one is used at most once.
    const bodies = Array.from({ length: 5_000 }, (_, n) => {
      const shape = accepted[n % accepted.length]!;
      return { kind: shape.kind, body: shape.build(1 + Math.floor(n / accepted.length)) };
    });

    /* ----- run: idle, then burst beside the probe, then after ----- */
    const probe = child('probe');
    const burst = child('burst');
    clients.push(probe.proc, burst.proc);
    const idleDone = probe.next('idle-done');
    probe.proc.send({ type: 'setup', setup: probeSetup });
    const idleMeter = phaseMeter(neo.pid);
    await idleDone;
    const idleUse = idleMeter();
    log('idle phase done; burst starts');
    const burstMeter = phaseMeter(neo.pid);
    burst.proc.send({ type: 'setup', setup: [url, bodies] });
    probe.proc.send({ type: 'burst-start' });
    const b = (await burst.result) as BurstResult;
    const burstUse = burstMeter();
    probe.proc.send({ type: 'burst-done' });
    const p = (await probe.result) as ProbeResult;

    /* ----- report ----- */
    const ratio = (a: Summary, z: Summary) => ({ p50: Math.round((a.p50 / z.p50) * 100) / 100, p99: Math.round((a.p99 / z.p99) * 100) / 100 });
    const cheapRows = (['lineage', 'training'] as const).map((k) => ({
      query: k,
      idle: report(p.idle[k]),
      burst: report(p.burst[k]),
      ratio: ratio(summarize(p.burst[k].samples), summarize(p.idle[k].samples)),
    }));
    const tallies = [p.idle.lineage, p.idle.training, p.burst.lineage, p.burst.training, p.after, b.all];
    const neoKb = peakRssKb(neo.pid);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', totalMemGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage1m: os.loadavg()[0], node: process.version },
      setup: { targets: TARGETS, concurrency: CONCURRENCY, burstSeconds: BURST_MS / 1000, idleSeconds: IDLE_MS / 1000, neo4j: { heap: '1g', pagecache: '512m' } },
      expensiveShapes: { accepted: accepted.map((a) => ({ kind: a.kind, shape: a.describe, aloneMs: a.probeMs, aloneCodes: a.probeCodes })), refusedByLimits: refused },
      cheap: cheapRows,
      afterBurst: { lineage: report(p.after) },
      burst: {
        wallSeconds: Math.round(b.wallMs / 100) / 10,
        distinctBodies: b.distinctBodies,
        all: report(b.all),
        byKind: Object.fromEntries(Object.entries(b.byKind).map(([k, t]) => [k, report(t)])),
      },
      // Idle includes the probe's warm-up; both phases include the clients' own loopback traffic only.
      resources: { idle: idleUse, burst: burstUse },
      status5xx: tallies.reduce((a, t) => a + t.status5xx, 0),
      health: {
        polls: p.health.polls,
        failures: p.health.failures,
        failuresDuringBurst: p.health.failuresDuringBurst,
        everFailed: p.health.failures > 0,
        latency: summarize(p.health.samples),
      },
      // kB → MiB. The server process holds the gateway and all five subgraphs; the clients run apart.
      peakRssMiB: { serverProcess: Math.round(process.resourceUsage().maxRSS / 1024), neo4j: neoKb === null ? null : Math.round(neoKb / 1024) },
    };

    const fmt = (x: Summary | null) => (x ? `${x.p50} / ${x.p99}` : '-');
    const rows = [
      ['cheap query', 'idle p50 / p99 ms', 'burst p50 / p99 ms', 'burst ÷ idle p50 / p99', 'requests idle / burst', 'with errors idle → burst'],
      ...cheapRows.map((r) => [r.query, fmt(r.idle.latency), fmt(r.burst.latency), `${r.ratio.p50} / ${r.ratio.p99}`, `${r.idle.requests} / ${r.burst.requests}`, `${r.idle.withErrors} → ${r.burst.withErrors}`]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\nAvailability: ${TARGETS} targets, ${CONCURRENCY} concurrent expensive requests for ${BURST_MS / 1000} s (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})\n`);
    console.log(line(rows[0]!));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows.slice(1)) console.log(line(r));
    console.log(`\nexpensive requests: ${b.all.requests} (${b.distinctBodies} distinct bodies), ok ${b.all.ok}, p50 / p99 ${fmt(result.burst.all.latency)} ms`);
    for (const [k, t] of Object.entries(result.burst.byKind)) console.log(`  ${k}: ${t.requests} requests, ok ${t.ok}, p50 / p99 ${fmt(t.latency)} ms, codes ${JSON.stringify(t.codes)}`);
    for (const a of result.expensiveShapes.accepted) console.log(`  shape ${a.kind}: ${a.shape} (alone ${a.aloneMs} ms)`);
    for (const r of refused) console.log(`  refused by the limits: ${r.shape} (${r.codes.join(', ')})`);
    console.log(`5xx responses: ${result.status5xx}`);
    console.log(`gateway /health: ${result.health.polls} polls, ${result.health.failures} failed (${result.health.failuresDuringBurst} during the burst), p50 / p99 ${fmt(result.health.latency)} ms`);
    console.log(`cheap lineage query after the burst: p50 / p99 ${fmt(result.afterBurst.lineage.latency)} ms, with errors ${p.after.withErrors}`);
    for (const [phase, u] of Object.entries(result.resources)) {
      console.log(
        `${phase}: server CPU ${u.serverCpuSeconds} s, Neo4j CPU ${u.neo4jCpuSeconds ?? '?'} s in ${u.wallSeconds} s; server event-loop delay p50 / p99 / max ${u.serverEventLoopDelayMs.p50} / ${u.serverEventLoopDelayMs.p99} / ${u.serverEventLoopDelayMs.max} ms`,
      );
    }
    console.log(`peak RSS: server process (gateway + subgraphs) ${result.peakRssMiB.serverProcess} MiB, Neo4j ${result.peakRssMiB.neo4j ?? '?'} MiB`);

    const dir = new URL('./results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL('availability-latest.json', dir), `${JSON.stringify(result, null, 2)}\n`);
    log('wrote test/bench/results/availability-latest.json');
  } finally {
    for (const c of clients) if (c.exitCode === null) c.kill();
    await stack.stop();
    await neo.stop();
  }
}
