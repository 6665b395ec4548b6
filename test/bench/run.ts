/**
 * `npm run bench`: every figure of issue 11 in one table, from one run (BENCHMARKS.md keeps it).
 *
 *   npm run bench [-- --only counts,throughput,sync,lineage] [--quick] [--from-results]
 *
 * Steps, each a real stack on this machine (nothing is asserted; everything is reported):
 *   counts      the whole embedded stack in this process at 10, 100 and 500 targets: subgraph
 *               requests and backend (connector) calls per flagship query, and the flagship's
 *               single-client p50/p99 at 300 targets (first 20 and 100).
 *   throughput  test/bench/throughput.ts: the distinct-page flagship load (50 connections) on
 *               `old` (43c5fd3, the commit the issue measured), `new` (the working tree in
 *               production mode) and, when router/install.sh has built the router, `new-router`
 *               (the same on gateway.engine hive-router) and `hive-router` (the bare router, the
 *               goal-2 peer); without the router, `new-workers` (the gateway as 2 node:cluster
 *               workers) in their place. Rounds
 *               alternating; requests/s, p50, p99, CPU per request per process, peak RSS,
 *               subgraph requests per query.
 *   sync        test/bench/sync.ts at 10,000 targets: old (88c619a) and new transactional full
 *               sync, the bulk-import first load, the incremental pass after 100 changes, and
 *               the transactional floor (the same graph by CREATE only, two writers; with our
 *               schema and with the unique constraints alone).
 *   lineage     test/bench/lineage.ts at 30,000 targets (bulk-imported): deprecationImpact and
 *               lineage through the gateway (both engines once the router is built) and directly
 *               on the store.
 * `--quick` shortens every step (a smoke run; its figures are not for BENCHMARKS.md).
 * `--from-results` runs nothing and builds the table from the steps' latest JSON files.
 * Output: the table on stdout, test/bench/results/bench-latest.json and bench-<date>.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStack } from '../helpers/start-stack.ts';
import { groupByRole } from './procstat.ts';
import type { LineageRow } from './lineage.ts';
import { measure, median, type Summary } from './stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(HERE, '../..');
const RESULTS = path.join(HERE, 'results');
const FLAGSHIP = readFileSync(path.join(HERE, '..', 'flagship.graphql'), 'utf8');
const HIVE_ROUTER_BIN = path.join(MAIN, 'router', '.cache', 'bin', 'hive_router');

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'counts,throughput,sync,lineage' },
    quick: { type: 'boolean', default: false },
    'from-results': { type: 'boolean', default: false },
  },
});
const STEPS = new Set(args.only.split(',').map((s) => s.trim()));
const QUICK = args.quick;
const log = (s: string) => process.stderr.write(`${s}\n`);

function runChild(script: string, argv: string[], stdoutFile?: string): Promise<void> {
  log(`\n== ${path.relative(MAIN, script)} ${argv.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...argv], { cwd: MAIN, stdio: ['ignore', stdoutFile ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited with ${code}`));
      if (stdoutFile) writeFileSync(stdoutFile, out);
      resolve();
    });
  });
}

// ------------------------------------------------------------------------------------ counts
interface CountRow {
  targets: number;
  subgraphRequestsPerQuery: number;
  connectorCallsPerQuery: number;
  first20?: Summary;
  first100?: Summary;
}

async function counts(): Promise<CountRow[]> {
  const rows: CountRow[] = [];
  for (const targets of [10, 100, 300, 500]) {
    const stack = await startStack({ targets });
    const run = async (first: number) => {
      const res = await stack.query(FLAGSHIP, { projectId: 'pump-anomaly', first });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    stack.resetCounts();
    await run(100);
    const row: CountRow = {
      targets,
      subgraphRequestsPerQuery: [...stack.gateway.subgraphRequests.byService.values()].reduce((a, b) => a + b, 0),
      connectorCallsPerQuery: Object.values(stack.connectors).reduce((a, c) => a + c.calls.total(), 0),
    };
    if (targets === 300) {
      const n = QUICK ? 20 : 200;
      row.first20 = await measure(n, 20, () => run(20));
      row.first100 = await measure(n, 20, () => run(100));
    }
    rows.push(row);
    await stack.stop();
    log(`counts at ${targets} targets: ${row.subgraphRequestsPerQuery} subgraph requests, ${row.connectorCallsPerQuery} backend calls per flagship query`);
  }
  return rows;
}

// -------------------------------------------------------------------------------- the steps
// Every system stays up through the step (its own Neo4j JVM and seven Node processes), idle
// outside its rounds but not free: with six systems the load reached 10.7 and the systems that
// use both cores ran 10–23% slower than with four (the peer router 215 against 265–279
// requests/s; the old code, bound by its one gateway process, did not move) (BENCHMARKS.md,
// 2026-11-25). The
// goals need old, new and, once the router is built, the hive-router engine and the bare router;
// the two gateway workers and the interpreter are earlier comparisons, run with --systems.
const throughputSystems = existsSync(HIVE_ROUTER_BIN) ? ['old', 'new', 'new-router', 'hive-router'] : ['old', 'new', 'new-workers'];
if (!args['from-results']) {
  if (STEPS.has('counts')) writeFileSync(path.join(RESULTS, 'counts-latest.json'), JSON.stringify({ date: new Date().toISOString(), rows: await counts() }, null, 2) + '\n');
  if (STEPS.has('throughput')) {
    if (!existsSync(HIVE_ROUTER_BIN)) log('hive-router is not built (bash router/install.sh, 15–45 min): the new-router and peer columns stay empty');
    await runChild(path.join(HERE, 'throughput.ts'), ['--systems', throughputSystems.join(','), ...(QUICK ? ['--rounds', '1', '--seconds', '5', '--warmup', '2', '--sample', '5'] : ['--rounds', '3', '--seconds', '20'])]);
  }
  if (STEPS.has('sync')) await runChild(path.join(HERE, 'sync.ts'), ['--systems', 'old,new,import,floor,floor-bare', '--sizes', QUICK ? '1000' : '10000', '--rounds', '1']);
  if (STEPS.has('lineage')) {
    const file = path.join(RESULTS, 'lineage-latest.json');
    await runChild(path.join(HERE, 'lineage.ts'), ['--targets', QUICK ? '2000' : '30000', '--load', 'import', '--n', QUICK ? '20' : '100'], file);
    writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...JSON.parse(readFileSync(file, 'utf8')) }, null, 2) + '\n');
  }
}

// -------------------------------------------------------------------------------- the table
const read = (file: string) => {
  const p = path.join(RESULTS, file);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null;
};
const fmt = (x: number | null | undefined, digits = 1) => (x == null || !Number.isFinite(x) ? '–' : x >= 100 ? String(Math.round(x)) : x.toFixed(digits));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);

interface Line {
  goal: string;
  figure: string;
  base: string;
  baseValue: number | null;
  ours: number | null;
  /** ours/base (or the goal's own measure) and whether it meets the goal; null = no verdict. */
  ratio: string;
  target: string;
  met: boolean | null;
}
const lines: Line[] = [];
const add = (l: Line) => lines.push(l);

const tp = read('throughput-latest.json');
if (tp) {
  const rounds = tp.rounds as { system: string; rps: number; p50: number; p99: number; cpuMsPerRequest: Record<string, number>; subgraphRequestsPerQuery: number | null }[];
  const of = (system: string) => rounds.filter((r) => r.system === system);
  const m = (system: string, f: (r: (typeof rounds)[number]) => number) => (of(system).length ? median(of(system).map(f)) : null);
  const sys = (s: string) => ({
    rps: m(s, (r) => r.rps),
    p50: m(s, (r) => r.p50),
    p99: m(s, (r) => r.p99),
    gw: m(s, (r) => groupByRole(r.cpuMsPerRequest).gateway),
    sub: m(s, (r) => groupByRole(r.cpuMsPerRequest).subgraphs),
    neo: m(s, (r) => groupByRole(r.cpuMsPerRequest).neo4j),
    subReq: m(s, (r) => r.subgraphRequestsPerQuery ?? NaN),
  });
  const old = sys('old');
  const neu = sys('new');
  const interp = sys('new-graphql-js');
  const peer = sys('hive-router');
  const when = `${tp.date.slice(0, 16)}Z, ${tp.settings.rounds}×${tp.settings.seconds} s, ${tp.settings.connections} conn`;
  add({ goal: '1', figure: `flagship requests/s (${when})`, base: 'old 43c5fd3', baseValue: old.rps, ours: neu.rps, ratio: ratio(neu.rps, old.rps), target: '≥ 4×', met: old.rps && neu.rps ? neu.rps / old.rps >= 4 : null });
  add({ goal: '1', figure: 'flagship p50 ms', base: 'old', baseValue: old.p50, ours: neu.p50, ratio: ratio(neu.p50, old.p50), target: '', met: null });
  add({ goal: '1', figure: 'flagship p99 ms', base: 'old', baseValue: old.p99, ours: neu.p99, ratio: ratio(neu.p99, old.p99), target: '< 500 ms', met: neu.p99 == null ? null : neu.p99 < 500 });
  const workers = sys('new-workers');
  add({ goal: '1', figure: 'flagship requests/s, gateway.workers 2 (GATEWAY_WORKERS)', base: 'old', baseValue: old.rps, ours: workers.rps, ratio: ratio(workers.rps, old.rps), target: '≥ 4×', met: old.rps && workers.rps ? workers.rps / old.rps >= 4 : null });
  add({ goal: '1', figure: 'flagship p99 ms, gateway.workers 2', base: 'old', baseValue: old.p99, ours: workers.p99, ratio: ratio(workers.p99, old.p99), target: '< 500 ms', met: workers.p99 == null ? null : workers.p99 < 500 });
  add({ goal: '–', figure: 'gateway CPU ms/request, gateway.workers 2 vs 1', base: 'new (1 worker)', baseValue: neu.gw, ours: workers.gw, ratio: ratio(workers.gw, neu.gw), target: '', met: null });
  // gateway.engine hive-router: our gateway process (checks) + the router it starts, summed.
  const onRouter = sys('new-router');
  add({ goal: '1', figure: 'flagship requests/s, gateway.engine hive-router', base: 'old', baseValue: old.rps, ours: onRouter.rps, ratio: ratio(onRouter.rps, old.rps), target: '≥ 4×', met: old.rps && onRouter.rps ? onRouter.rps / old.rps >= 4 : null });
  add({ goal: '1', figure: 'flagship p99 ms, gateway.engine hive-router', base: 'old', baseValue: old.p99, ours: onRouter.p99, ratio: ratio(onRouter.p99, old.p99), target: '< 500 ms', met: onRouter.p99 == null ? null : onRouter.p99 < 500 });
  add({ goal: '2', figure: 'gateway + router CPU ms/request, gateway.engine hive-router', base: 'Hive Router (peer)', baseValue: peer.gw, ours: onRouter.gw, ratio: ratio(onRouter.gw, peer.gw), target: '≤ 1.5× peer', met: peer.gw && onRouter.gw ? onRouter.gw / peer.gw <= 1.5 : null });
  add({ goal: '3', figure: 'subgraph CPU ms/request, gateway.engine hive-router', base: 'old', baseValue: old.sub, ours: onRouter.sub, ratio: ratio(onRouter.sub, old.sub), target: '≤ 0.25×', met: old.sub && onRouter.sub ? onRouter.sub / old.sub <= 0.25 : null });
  add({ goal: '2', figure: 'gateway CPU ms/request', base: 'Hive Router (peer)', baseValue: peer.gw, ours: neu.gw, ratio: ratio(neu.gw, peer.gw), target: '≤ 1.5× peer', met: peer.gw && neu.gw ? neu.gw / peer.gw <= 1.5 : null });
  add({ goal: '2', figure: 'gateway CPU ms/request', base: 'old', baseValue: old.gw, ours: neu.gw, ratio: ratio(neu.gw, old.gw), target: '', met: null });
  add({ goal: '3', figure: 'subgraph CPU ms/request (subgraphs + built-in platforms)', base: 'old', baseValue: old.sub, ours: neu.sub, ratio: ratio(neu.sub, old.sub), target: '≤ 0.25×', met: old.sub && neu.sub ? neu.sub / old.sub <= 0.25 : null });
  add({ goal: '3', figure: 'subgraph CPU ms/request, graphql-jit vs interpreter', base: 'new, graphql-js', baseValue: interp.sub, ours: neu.sub, ratio: ratio(neu.sub, interp.sub), target: '', met: null });
  add({ goal: '3', figure: 'subgraph CPU ms/request under the peer router', base: 'under Hive Router', baseValue: peer.sub, ours: neu.sub, ratio: ratio(neu.sub, peer.sub), target: '', met: null });
  add({ goal: '–', figure: 'Neo4j CPU ms/request', base: 'old', baseValue: old.neo, ours: neu.neo, ratio: ratio(neu.neo, old.neo), target: '', met: null });
  add({ goal: '–', figure: 'requests/s, graphql-jit vs interpreter', base: 'new, graphql-js', baseValue: interp.rps, ours: neu.rps, ratio: ratio(neu.rps, interp.rps), target: '', met: null });
  add({ goal: '–', figure: 'requests/s vs the peer router', base: 'Hive Router (peer)', baseValue: peer.rps, ours: neu.rps, ratio: ratio(neu.rps, peer.rps), target: '', met: null });
  add({ goal: '–', figure: 'subgraph requests per flagship query', base: 'old', baseValue: old.subReq, ours: neu.subReq, ratio: ratio(neu.subReq, old.subReq), target: 'equal', met: old.subReq != null && neu.subReq != null ? old.subReq === neu.subReq : null });
  const rss = tp.peakRssMiB as Record<string, Record<string, number>>;
  const sumRss = (s: string) => (rss[s] ? groupByRole(rss[s]).total : null);
  add({ goal: '–', figure: 'peak RSS MiB, all processes (incl. Neo4j)', base: 'old', baseValue: sumRss('old'), ours: sumRss('new'), ratio: ratio(sumRss('new'), sumRss('old')), target: '', met: null });
  add({ goal: '–', figure: 'peak RSS MiB, gateway (or router)', base: 'Hive Router (peer)', baseValue: rss['hive-router']?.router ?? null, ours: rss.new?.gateway ?? null, ratio: ratio(rss.new?.gateway, rss['hive-router']?.router), target: '', met: null });
}

const counted = read('counts-latest.json');
if (counted) {
  const rows = counted.rows as CountRow[];
  const same = (f: (r: CountRow) => number) => new Set(rows.map(f)).size === 1;
  add({ goal: 'counts', figure: `subgraph requests per flagship query at ${rows.map((r) => r.targets).join(' / ')} targets`, base: rows.map((r) => r.subgraphRequestsPerQuery).join(' / '), baseValue: null, ours: rows[0]?.subgraphRequestsPerQuery ?? null, ratio: '–', target: 'same at every size', met: same((r) => r.subgraphRequestsPerQuery) });
  add({ goal: 'counts', figure: `backend calls per flagship query at ${rows.map((r) => r.targets).join(' / ')} targets`, base: rows.map((r) => r.connectorCallsPerQuery).join(' / '), baseValue: null, ours: rows[0]?.connectorCallsPerQuery ?? null, ratio: '–', target: 'same at every size', met: same((r) => r.connectorCallsPerQuery) });
  const at300 = rows.find((r) => r.first100);
  if (at300) {
    add({ goal: '–', figure: 'flagship first:20, one client, p50 / p99 ms (300 targets)', base: '', baseValue: at300.first20!.p50, ours: at300.first20!.p99, ratio: '–', target: '', met: null });
    add({ goal: '–', figure: 'flagship first:100, one client, p50 / p99 ms (300 targets)', base: '', baseValue: at300.first100!.p50, ours: at300.first100!.p99, ratio: '–', target: '', met: null });
  }
}

const sync = read('sync-latest.json');
if (sync) {
  type S = { system: string; targets: number; relationshipsPerSecond: number; endToEndSeconds: number | null; fullSeconds: number; incrementalMs: number; nextIncrementalMs: number; adminImportSeconds: number | null; relationships: number };
  const rows = sync.summary as S[];
  const size = Math.max(...rows.map((r) => r.targets));
  const at = (s: string) => rows.find((r) => r.system === s && r.targets === size) ?? null;
  const old = at('old');
  const neu = at('new');
  const imp = at('import');
  const failedOld = (sync.failures as { system: string; targets: number }[] | undefined)?.some((f) => f.system === 'old' && f.targets === size);
  const endToEnd = (r: S | null) => (r ? r.relationships / (r.endToEndSeconds ?? r.fullSeconds) : null);
  add({ goal: '4', figure: `full sync rel/s at ${size} targets, transactional (the load on a running server)`, base: `old ${sync.old}${failedOld ? ' (failed)' : ''}`, baseValue: old?.relationshipsPerSecond ?? null, ours: neu?.relationshipsPerSecond ?? null, ratio: ratio(neu?.relationshipsPerSecond, old?.relationshipsPerSecond), target: '≥ 30,000 rel/s', met: neu ? neu.relationshipsPerSecond >= 30_000 : null });
  add({ goal: '4', figure: `first load rel/s at ${size} targets, bulk import end to end`, base: 'new sync, end to end', baseValue: endToEnd(neu), ours: endToEnd(imp), ratio: ratio(endToEnd(imp), endToEnd(neu)), target: '≥ 30,000 rel/s', met: imp ? endToEnd(imp)! >= 30_000 : null });
  add({ goal: '4', figure: `first load rel/s, neo4j-admin step alone`, base: '', baseValue: null, ours: imp?.adminImportSeconds ? imp.relationships / imp.adminImportSeconds : null, ratio: '–', target: '≥ 30,000 rel/s', met: imp?.adminImportSeconds ? imp.relationships / imp.adminImportSeconds >= 30_000 : null });
  // The floor any transactional load has here (sync.ts floorLoad: CREATE only, two writers): the
  // transactional row above read against what no statement change could beat.
  for (const [sys, what] of [['floor', 'our schema'], ['floor-bare', 'unique constraints only']] as const) {
    const f = at(sys);
    if (f) add({ goal: '4', figure: `transactional floor rel/s at ${size} targets: CREATE only, two writers, ${what}`, base: 'new sync', baseValue: neu?.relationshipsPerSecond ?? null, ours: f.relationshipsPerSecond, ratio: ratio(f.relationshipsPerSecond, neu?.relationshipsPerSecond), target: '≥ 30,000 rel/s', met: f.relationshipsPerSecond >= 30_000 });
  }
  add({ goal: '4', figure: 'incremental pass after 100 changed deployments, ms (first / next pass)', base: 'first pass', baseValue: neu?.incrementalMs ?? null, ours: neu?.nextIncrementalMs ?? null, ratio: '–', target: '< 1,000 ms', met: neu ? neu.nextIncrementalMs < 1000 : null });
}

const lin = read('lineage-latest.json');
if (lin) {
  for (const c of lin.cases as LineageRow['cases']) {
    // Not a goal case (the case name says so in results written before the flag): the fixed
    // price of the hops, which the goal cases' ratios are read against.
    if (c.fixedCost || c.case.includes('(fixed cost)')) {
      add({ goal: '5', figure: `${c.case}: gateway / hive-router engine / lineage subgraph p50 ms`, base: 'store p50', baseValue: c.direct.p50, ours: c.gateway.p50, ratio: `${c.ratioP50.toFixed(2)}× / ${c.routerRatioP50?.toFixed(2) ?? '–'}× / ${c.subgraph ? (c.subgraph.p50 / c.direct.p50).toFixed(2) : '–'}×`, target: '', met: null });
      continue;
    }
    add({ goal: '5', figure: `${c.case} at ${lin.targets} targets (${lin.relationships} rel): gateway p99 ms`, base: 'direct p99', baseValue: c.direct.p99, ours: c.gateway.p99, ratio: '–', target: '≤ 50 ms', met: c.gateway.p99 <= 50 });
    add({ goal: '5', figure: `${c.case}: gateway/direct p50`, base: 'direct p50', baseValue: c.direct.p50, ours: c.gateway.p50, ratio: `${c.ratioP50.toFixed(2)}×`, target: '≤ 1.5×', met: c.ratioP50 <= 1.5 });
    // The same case through the hive-router engine, in the same turns (lineage.ts).
    if (c.router && c.routerRatioP50 != null) {
      add({ goal: '5', figure: `${c.case}: hive-router engine p99 ms`, base: 'direct p99', baseValue: c.direct.p99, ours: c.router.p99, ratio: '–', target: '≤ 50 ms', met: c.router.p99 <= 50 });
      add({ goal: '5', figure: `${c.case}: hive-router engine/direct p50`, base: 'direct p50', baseValue: c.direct.p50, ours: c.router.p50, ratio: `${c.routerRatioP50.toFixed(2)}×`, target: '≤ 1.5×', met: c.routerRatioP50 <= 1.5 });
    }
    // Where the difference goes: the lineage subgraph asked directly (no gateway hop) vs the store.
    if (c.subgraph) add({ goal: '5', figure: `${c.case}: lineage subgraph asked directly, p50 (vs store)`, base: 'direct p50', baseValue: c.direct.p50, ours: c.subgraph.p50, ratio: ratio(c.subgraph.p50, c.direct.p50), target: '', met: null });
  }
}

const machine = `${os.cpus().length}× ${/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString();
const table = [
  '| goal | figure | baseline | baseline value | ours | ratio | goal target | met |',
  '| --- | --- | --- | ---: | ---: | ---: | --- | --- |',
  ...lines.map((l) => `| ${l.goal} | ${l.figure} | ${l.base} | ${fmt(l.baseValue)} | ${fmt(l.ours)} | ${l.ratio} | ${l.target} | ${l.met == null ? '' : l.met ? 'yes' : 'no'} |`),
].join('\n');
const header = `machine: ${machine}\ndate: ${date}${QUICK ? ' (--quick: smoke figures)' : ''}\nsources: ${['throughput-latest.json', 'counts-latest.json', 'sync-latest.json', 'lineage-latest.json'].filter((f) => existsSync(path.join(RESULTS, f))).map((f) => `${f} (${String(read(f)?.date ?? '').slice(0, 16) || 'undated'})`).join(', ')}`;
process.stdout.write(`\n${header}\n\n${table}\n`);
writeFileSync(path.join(RESULTS, 'bench-latest.json'), JSON.stringify({ machine, date, quick: QUICK, lines }, null, 2) + '\n');
writeFileSync(path.join(RESULTS, `bench-${date.slice(0, 16).replace(/:/g, '')}.md`), `${header}\n\n${table}\n`);
