/**
 * Lineage sync, old vs new (issue 11, goal 4).
 *
 *   npx tsx test/bench/sync.ts [--old <git-ref>] [--sizes 2000,10000] [--rounds 2] [--changed 100]
 *     [--systems old,new,import,floor,floor-bare] [--warm yes]
 *
 * `old` is the commit at --old (default 88c619a, where this work started), checked out with
 * `git worktree add` into test/bench/.worktrees/ (git-ignored); it needs no install of its own
 * because Node resolves its imports up the directory tree into this checkout's node_modules,
 * so both systems sync the same scenario through the same connectors and driver and differ
 * only in the lineage subgraph's sync, builders and store. `new` is the working tree.
 *
 * Each measurement is a child process with a fresh local Neo4j (heap 2 GiB, page cache 2 GiB,
 * as test/bench/lineage.ts): the full first sync of `getScenario({ targets })` timed from the
 * first connector read to the last watermark (relationships/s = relationships in the graph /
 * wall time), then `--changed` deployments through the built-in inference connector's deploy
 * path (a rollback on as many targets, which closes one deployment and opens another on each),
 * then one incremental sync pass over every platform, timed, with the write transactions it
 * issued (a second round of changes and pass too: see below). `SYNC_TRACE=1` prints each store
 * and connector call of the incremental passes with its time. Beside wall time, the Neo4j JVM's
 * CPU seconds for the full sync (from /proc): relationships per Neo4j CPU-second moves far less
 * than wall time when other work shares the cores. Rounds alternate the systems (old, new,
 * new, old, …) so machine noise lands on both; medians per size, ratio new/old. JSON to test/bench/results/sync-latest.json (sync-warm-latest.json with --warm yes).
 *
 * `import` is the bulk-import first load (see its comment in `child`). `floor` and `floor-bare`
 * are not syncs but the floor any transactional load has on this server (`floorLoad`): the same
 * graph by CREATE only, two writers; `floor-bare` also without the secondary indexes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { scenarioProjects, type SyncSources } from '@mlops/subgraph-lineage';
import { afterNewestChange, rollBackTargets } from '../helpers/rollbacks.ts';
import { median } from './stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(HERE, '../..');

interface Result {
  system: string;
  targets: number;
  nodes: number;
  relationships: number;
  fullSeconds: number;
  relationshipsPerSecond: number;
  /** Server start + store init (migrations) + the first load, until every index is online. */
  endToEndSeconds: number;
  /** Pages of the full sync that ran into the write timeout and were written in halves. */
  timedOutSplits: number;
  /** import only: neo4j-admin's own time (its log), and the export (platform reads + CSV). */
  adminImportSeconds: number | null;
  exportSeconds: number | null;
  neo4jCpuSeconds: number;
  /** The machine's 1-minute load average when the full sync ended (2 cores). */
  loadAverage: number;
  changedDeployments: number;
  /** null for the floor systems, which keep no watermarks. */
  incrementalMs: number | null;
  incrementalRecords: number;
  incrementalWrites: number;
  nextIncrementalMs: number | null;
  nextIncrementalWrites: number;
}

const { values: args } = parseArgs({
  options: {
    old: { type: 'string', default: '88c619a' },
    sizes: { type: 'string', default: '2000,10000' },
    rounds: { type: 'string', default: '2' },
    changed: { type: 'string', default: '100' },
    // yes: each transactional load (new, old, floor*) is timed on a server that has already made
    // the same load once (then wiped): the JVM warm, as a long-running production server is.
    warm: { type: 'string', default: 'no' },
    systems: { type: 'string', default: 'old,new' },
    child: { type: 'string' },
    system: { type: 'string' },
    targets: { type: 'string' },
  },
});


async function child(root: string, system: string, targets: number, changed: number): Promise<Result> {
  const imp = (p: string) => import(pathToFileURL(path.join(root, p)).href);
  // Same scenario, connectors and driver for both systems: only the lineage code comes from `root`.
  const { createLogger, getScenario } = await import('@mlops/kit');
  const { BuiltinCatalogConnector } = await import('@mlops/connectors/catalog');
  const { BuiltinInferenceConnector } = await import('@mlops/connectors/inference');
  const { BuiltinTrainingConnector } = await import('@mlops/connectors/training');
  const { syncOnce } = await imp('subgraphs/lineage/src/sync/sync.ts');
  const { Neo4jLineageStore } = await imp('subgraphs/lineage/src/store/neo4j.ts');
  // @ts-expect-error plain JS module with JSDoc types
  const { startLocalNeo4j } = await import('../../neo4j/local-server.mjs');

  const scenario = getScenario({ targets });
  const inference = new BuiltinInferenceConnector(scenario);
  const src = {
    training: new BuiltinTrainingConnector(scenario),
    catalog: new BuiltinCatalogConnector(scenario),
    inference,
    // The sync's input, the same for every system: from this checkout, whatever `root` is.
    projects: scenarioProjects(scenario),
  };
  // `import`: the first load by neo4j-admin (npm run lineage:export + NEO4J_IMPORT_DIR), so its
  // clock starts before the server does; the sync systems' "full sync" starts on a running server.
  const tStart = performance.now();
  let exportSeconds: number | null = null;
  let importDir: string | null = null;
  if (system === 'import') {
    const { exportGraphForImport } = await imp('subgraphs/lineage/src/sync/bulk-export.ts');
    importDir = path.join(os.tmpdir(), `sync-bench-import-${process.pid}`);
    rmSync(importDir, { recursive: true, force: true });
    await exportGraphForImport(src, importDir);
    exportSeconds = (performance.now() - tStart) / 1000;
  }
  const tServer = performance.now();
  const neo = await startLocalNeo4j({ heap: '2g', pagecache: '2g', env: importDir ? { NEO4J_IMPORT_DIR: importDir } : {} });
  try {
    const tInit = performance.now();
    const store = new Neo4jLineageStore({ uri: neo.uri, user: neo.user, password: neo.password, database: 'neo4j' }, createLogger('bench', 'silent'));
    await store.init();
    process.stderr.write(`  server.sh start ${((tInit - tServer) / 1000).toFixed(1)} s${importDir ? ' (with the import)' : ''}, store init (migrations) ${((performance.now() - tInit) / 1000).toFixed(1)} s\n`);
    let writes = 0;
    for (const m of ['applyBatch', 'setWatermark'] as const) {
      const f = store[m].bind(store);
      store[m] = (...a: unknown[]) => {
        writes++;
        return f(...a);
      };
    }
    // The array fields of a batch or a connector answer, with their lengths: which records a pass moved.
    const sizes = (v: unknown) =>
      v && typeof v === 'object'
        ? Array.isArray(v)
          ? ` [${v.length}]`
          : Object.entries(v).flatMap(([k, x]) => (Array.isArray(x) && k !== 'tokens' ? [` ${k}=${x.length}`] : [])).join('')
        : '';
    let traced = false;
    const trace = () => {
      if (traced) return;
      traced = true;
      for (const [name, o] of [['store', store], ['training', src.training], ['catalog', src.catalog], ['inference', inference]] as const) {
        for (const m of ['getWatermarks', 'getFreshness', 'applyBatch', 'setWatermark', 'changedModelVersions', 'getRuns', 'changedDatasetVersions', 'getDatasets', 'changedTargets', 'changedDeployments']) {
          const f = (o as Record<string, unknown>)[m];
          if (typeof f !== 'function') continue;
          (o as Record<string, unknown>)[m] = async (...a: unknown[]) => {
            const s = performance.now();
            const r = await f.apply(o, a);
            process.stderr.write(`  trace ${name}.${m} ${Math.round(performance.now() - s)} ms${sizes(m === 'applyBatch' ? a[0] : r)}\n`);
            return r;
          };
        }
      }
    };
    // utime + stime of the JVM, in Linux's 100 clock ticks per second.
    const jvmCpu = () => {
      const f = readFileSync(`/proc/${neo.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    };
    const withDriver = async <T>(f: (d: import('neo4j-driver').Driver) => Promise<T>): Promise<T> => {
      const neo4j = (await import('neo4j-driver')).default;
      const d = neo4j.driver(neo.uri, neo4j.auth.basic(neo.user, neo.password));
      try {
        return await f(d);
      } finally {
        await d.close();
      }
    };
    const awaitIndexes = () => withDriver((d) => d.executeQuery('CALL db.awaitIndexes(600)', {}, { database: 'neo4j' }));
    let fullSeconds: number;
    let neo4jCpuSeconds: number;
    let adminImportSeconds: number | null = null;
    let splits = 0;
    // floor-bare: the unique constraints alone (the load's MATCHes need them), no secondary index to keep up.
    if (system === 'floor-bare') {
      await withDriver(async (d) => {
        const { records } = await d.executeQuery('SHOW INDEXES YIELD name, owningConstraint, type WHERE owningConstraint IS NULL AND type = "RANGE" RETURN name', {}, { database: 'neo4j' });
        for (const r of records) await d.executeQuery(`DROP INDEX \`${r.get('name')}\``, {}, { database: 'neo4j' });
      });
    }
    const load = async () => {
      if (system.startsWith('floor')) await withDriver((d) => floorLoad(d, src));
      else splits = (await syncOnce(store, src)).reduce((n: number, r: { timedOutSplits?: number }) => n + (r.timedOutSplits ?? 0), 0);
    };
    // --warm yes: the same load once, untimed, then wiped (the schema stays).
    if (args.warm === 'yes' && system !== 'import') {
      const w0 = performance.now();
      await load();
      await store.wipe();
      process.stderr.write(`  warm-up load and wipe ${((performance.now() - w0) / 1000).toFixed(1)} s\n`);
    }
    if (system === 'import') {
      await awaitIndexes();
      fullSeconds = (performance.now() - tStart) / 1000;
      // The import's JVM is gone by now; its own figure is in its log ("IMPORT DONE in 4s 707ms").
      const done = /IMPORT DONE in (?:(\d+)m )?(\d+)s (\d+)ms/.exec(readFileSync(path.join(neo.runDir, 'logs', 'import.log'), 'utf8'));
      adminImportSeconds = done ? Number(done[1] ?? 0) * 60 + Number(done[2]) + Number(done[3]) / 1000 : null;
      neo4jCpuSeconds = NaN;
      rmSync(importDir!, { recursive: true, force: true });
    } else {
      const c0 = jvmCpu();
      const t0 = performance.now();
      await load();
      await awaitIndexes();
      fullSeconds = (performance.now() - t0) / 1000;
      neo4jCpuSeconds = jvmCpu() - c0;
    }
    const endToEndSeconds = (performance.now() - tStart) / 1000;
    const counts = await store.counts();
    // The first load's figures, the same for every system; the load average as of the call.
    const loaded = () => ({
      system,
      targets,
      nodes: counts.nodes,
      relationships: counts.relationships,
      fullSeconds: Math.round(fullSeconds * 10) / 10,
      relationshipsPerSecond: Math.round(counts.relationships / fullSeconds),
      neo4jCpuSeconds: Number.isNaN(neo4jCpuSeconds) ? (null as unknown as number) : Math.round(neo4jCpuSeconds * 10) / 10,
      endToEndSeconds: Math.round(endToEndSeconds * 10) / 10,
      timedOutSplits: splits,
      adminImportSeconds,
      exportSeconds: exportSeconds === null ? null : Math.round(exportSeconds * 10) / 10,
      loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    });

    // The floor systems write no watermarks: an incremental pass there would be a whole second load.
    if (system.startsWith('floor')) {
      await store.close();
      return { ...loaded(), changedDeployments: 0, incrementalMs: null, incrementalRecords: 0, incrementalWrites: 0, nextIncrementalMs: null, nextIncrementalWrites: 0 };
    }
    // Roll back `changed` targets to a version they served before, a minute after the newest
    // change in the scenario, so the change feeds hand exactly these to the next pass. Twice:
    // the first pass after the full sync also pays for Neo4j replanning every write statement
    // (the graph's statistics moved far from those the plans were made with); the second is
    // what a periodic sync loop sees from then on.
    const incremental: { ms: number; records: number; writes: number; changed: number }[] = [];
    let next = 0;
    const base = Date.parse(afterNewestChange(scenario, 0));
    for (let pass = 1; pass <= 2; pass++) {
      const rolled = await rollBackTargets(inference, scenario, changed, new Date(base + pass * 60_000).toISOString(), next);
      next = rolled.next;
      const done = rolled.changed;
      writes = 0;
      if (process.env.SYNC_TRACE) trace();
      const t1 = performance.now();
      const reports: { records: number }[] = await syncOnce(store, src);
      incremental.push({ ms: Math.round(performance.now() - t1), records: reports.reduce((s, r) => s + r.records, 0), writes, changed: done });
    }
    await store.close();
    return {
      ...loaded(),
      changedDeployments: incremental[0]!.changed,
      incrementalMs: incremental[0]!.ms,
      incrementalRecords: incremental[0]!.records,
      incrementalWrites: incremental[0]!.writes,
      nextIncrementalMs: incremental[1]!.ms,
      nextIncrementalWrites: incremental[1]!.writes,
    };
  } finally {
    await neo.stop();
  }
}

/**
 * The floor of a transactional first load on this server: the graph the sync would write (the
 * same reads and mappings, over the bulk export's in-memory GraphAccumulator), written with the
 * cheapest Cypher there is. Every node by `UNWIND … CREATE (n:Label:Entity) SET n = row`, then
 * every relationship by `MATCH` on both unique keys and `CREATE`: no MERGE, no existence check,
 * no impact-revision bump, 2,000 rows a transaction, two writers at once (the machine's two
 * cores). Not a way to load: it is not idempotent (a retried or repeated load would duplicate
 * relationships) and keeps no watermarks. It answers "how fast could any transactional sync
 * be here", so the transactional rows of the table can be read against it.
 */
async function floorLoad(driver: import('neo4j-driver').Driver, src: SyncSources): Promise<void> {
  const { GraphAccumulator, syncOnce } = await import('@mlops/subgraph-lineage');
  const acc = new GraphAccumulator();
  await syncOnce(acc, src, { replanAfter: Infinity });
  const ROWS = 2000;
  type Job = { cypher: string; rows: unknown[] };
  const chunks = (cypher: string, rows: unknown[]): Job[] => {
    const out: Job[] = [];
    for (let i = 0; i < rows.length; i += ROWS) out.push({ cypher, rows: rows.slice(i, i + ROWS) });
    return out;
  };
  // Labels and types come from the accumulator's own fixed lists (bulk-export.ts LABELS and the writes' types).
  const nodeJobs = [...acc.nodes].flatMap(([label, m]) => chunks(`UNWIND $rows AS r CREATE (n:${label}:Entity) SET n = r`, [...m].map(([id, p]) => ({ ...p, id }))));
  nodeJobs.push(...chunks('UNWIND $rows AS r CREATE (s:SyncState) SET s = r', [...acc.watermarks].map(([platform, w]) => ({ platform, ...w }))));
  const groups = new Map<string, { cypher: string; rows: { s: string; e: string; p: object }[] }>();
  for (const r of acc.rels.values()) {
    const k = `${r.from}|${r.type}|${r.to}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { cypher: `UNWIND $rows AS r MATCH (a:${r.from} {id: r.s}) MATCH (b:${r.to} {id: r.e}) CREATE (a)-[x:${r.type}]->(b) SET x = r.p`, rows: [] }));
    g.rows.push({ s: r.start, e: r.end, p: r.props });
  }
  const relJobs = [...groups.values()].flatMap((g) => chunks(g.cypher, g.rows));
  const run = async (list: Job[]) => {
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        const session = driver.session({ database: 'neo4j' });
        try {
          while (next < list.length) {
            const j = list[next++]!;
            await session.executeWrite((tx) => tx.run(j.cypher, { rows: j.rows }));
          }
        } finally {
          await session.close();
        }
      }),
    );
  };
  // Every node before any relationship: a relationship's MATCH must find both ends.
  await run(nodeJobs);
  await run(relJobs);
}

function ensureWorktree(ref: string): string {
  const git = (...a: string[]) => execFileSync('git', ['-C', MAIN, ...a], { encoding: 'utf8' }).trim();
  const sha = git('rev-parse', '--verify', `${ref}^{commit}`);
  const root = path.join(HERE, '.worktrees', `old-${sha.slice(0, 7)}`);
  if (!existsSync(path.join(root, 'package.json'))) {
    mkdirSync(path.dirname(root), { recursive: true });
    git('worktree', 'add', '--detach', root, sha);
  }
  return root;
}

function runChild(root: string, system: string, targets: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', root, '--system', system, '--targets', String(targets), '--changed', args.changed!, '--warm', args.warm!], {
      cwd: MAIN,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return reject(new Error(`${system} at ${targets} exited ${code}: ${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice(7)) as Result);
    });
  });
}


async function parent() {
  const systems = args.systems!.split(',');
  const roots: Record<string, string> = { new: MAIN, import: MAIN, floor: MAIN, 'floor-bare': MAIN };
  if (systems.includes('old')) roots.old = ensureWorktree(args.old!);
  const sizes = args.sizes!.split(',').map(Number);
  const rounds = Number(args.rounds);
  const all: Result[] = [];
  const failures: { system: string; targets: number; round: number }[] = [];
  for (const targets of sizes) {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? systems : [...systems].reverse();
      for (const system of order) {
        process.stderr.write(`sync bench: ${system} at ${targets} targets, round ${round + 1}/${rounds}\n`);
        let r: Result;
        try {
          r = await runChild(roots[system]!, system, targets);
        } catch (e) {
          // A run that fails (a write past the 30 s limit on a cold database) is reported, not fatal.
          process.stderr.write(`  FAILED: ${(e as Error).message.split('\n')[0]}\n`);
          failures.push({ system, targets, round: round + 1 });
          continue;
        }
        process.stderr.write(`  ${r.relationships} relationships in ${r.fullSeconds} s = ${r.relationshipsPerSecond} rel/s (${r.timedOutSplits} timed-out pages split; start + load ${r.endToEndSeconds} s; export ${r.exportSeconds ?? '–'} s, neo4j-admin ${r.adminImportSeconds ?? '–'} s; Neo4j CPU ${r.neo4jCpuSeconds} s, load ${r.loadAverage}); incremental after ${r.changedDeployments} deployments ${r.incrementalMs} ms, next ${r.nextIncrementalMs} ms (${r.incrementalWrites} write transactions)\n`);
        all.push(r);
      }
    }
  }

  // Ratios against old when it ran, else against the transactional sync of this tree.
  const base = systems.includes('old') ? 'old' : 'new';
  const lines = [
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average at start ${os.loadavg()[0]!.toFixed(1)}. Date: ${new Date().toISOString().slice(0, 10)}. Old: ${args.old}. Warm server (--warm): ${args.warm}.`,
    '',
    `| targets | relationships | system | runs | full load s (median) | rel/s (median) | rel/s ratio to ${base} | server start + load s | export s | neo4j-admin s | Neo4j CPU s (median) | load avg | first incremental ms (median) | next incremental ms (median) | write transactions per incremental |`,
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const summary = [];
  for (const targets of sizes) {
    const baseRate = median(all.filter((r) => r.targets === targets && r.system === base).map((r) => r.relationshipsPerSecond));
    for (const system of systems) {
      const rs = all.filter((r) => r.targets === targets && r.system === system);
      if (rs.length === 0) continue;
      const rate = median(rs.map((r) => r.relationshipsPerSecond));
      const row = {
        targets,
        system,
        runs: rs.length,
        relationships: rs[0]!.relationships,
        fullSeconds: median(rs.map((r) => r.fullSeconds)),
        relationshipsPerSecond: Math.round(rate),
        ratio: baseRate ? Math.round((rate / baseRate) * 100) / 100 : null,
        endToEndSeconds: median(rs.map((r) => r.endToEndSeconds)),
        exportSeconds: rs[0]!.exportSeconds === null ? null : median(rs.map((r) => r.exportSeconds!)),
        adminImportSeconds: rs[0]!.adminImportSeconds === null ? null : median(rs.map((r) => r.adminImportSeconds!)),
        neo4jCpuSeconds: rs[0]!.neo4jCpuSeconds === null ? null : median(rs.map((r) => r.neo4jCpuSeconds)),
        loadAverage: median(rs.map((r) => r.loadAverage)),
        incrementalMs: rs[0]!.incrementalMs === null ? null : median(rs.map((r) => r.incrementalMs!)),
        incrementalWrites: median(rs.map((r) => r.incrementalWrites)),
        nextIncrementalMs: rs[0]!.nextIncrementalMs === null ? null : median(rs.map((r) => r.nextIncrementalMs!)),
      };
      summary.push(row);
      lines.push(`| ${targets} | ${row.relationships} | ${system} | ${row.runs} | ${row.fullSeconds} | ${row.relationshipsPerSecond} | ${row.ratio ?? '–'} | ${row.endToEndSeconds} | ${row.exportSeconds ?? '–'} | ${row.adminImportSeconds ?? '–'} | ${row.neo4jCpuSeconds ?? '–'} | ${row.loadAverage} | ${row.incrementalMs ?? '–'} | ${row.nextIncrementalMs ?? '–'} | ${row.incrementalMs === null ? '–' : row.incrementalWrites} |`);
    }
  }
  if (failures.length) lines.push('', `Failed runs: ${failures.map((f) => `${f.system} at ${f.targets} (round ${f.round})`).join(', ')}.`);
  console.log(lines.join('\n'));
  const dir = path.join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  // A warm run is another question than the table's cold first load: its own file.
  writeFileSync(path.join(dir, args.warm === 'yes' ? 'sync-warm-latest.json' : 'sync-latest.json'), JSON.stringify({ date: new Date().toISOString(), old: args.old, warm: args.warm === 'yes', summary, runs: all, failures }, null, 2));
}

if (args.child) {
  const r = await child(args.child, args.system!, Number(args.targets), Number(args.changed));
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  process.exit(0);
} else {
  await parent();
}
