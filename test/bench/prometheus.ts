/**
 * `npm run bench:prometheus`: health of a page of release targets from a real Prometheus 2.42
 * (after a promtool backfill of the 300-target scenario) against the built-in monitoring
 * platform, at the connector (no gateway): p50/p99 over many distinct pages, and Prometheus
 * queries per page at several page sizes (constant: one query per health gauge, whatever the
 * size). Also times the backfill and the server start. Prints a table and writes
 * test/bench/results/prometheus-latest.json. Benchmarks never assert times.
 * BENCH_REQUESTS (default 300) pages per case; BENCH_SERIES_DAYS (default 30) days of hourly
 * series backfilled besides the health evaluations.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getScenario } from '@mlops/kit';
import { BuiltinMonitoringConnector, PrometheusMonitoringConnector, type MonitoringConnector } from '@mlops/connectors/monitoring';
import { backfill } from '../../prometheus/backfill.ts';
import { startLocalPrometheus } from '../../prometheus/local-server.mjs';
import { summarize, type Summary } from './stats.ts';

const N = Number(process.env.BENCH_REQUESTS ?? 300);
const TARGETS = 300;
const SERIES_DAYS = Number(process.env.BENCH_SERIES_DAYS ?? 30);
const log = (s: string) => process.stderr.write(`${s}\n`);

const scenario = getScenario({ targets: TARGETS });
const blocks = mkdtempSync(path.join(os.tmpdir(), 'mlops-bench-blocks-'));
let t = performance.now();
const b = await backfill({ scenario, outDir: blocks, seriesFrom: new Date(Date.parse(scenario.options.anchor) - SERIES_DAYS * 86_400_000).toISOString() });
const backfillMs = Math.round(performance.now() - t);
log(`backfilled ${b.samples} samples in ${backfillMs} ms (OpenMetrics ${b.writeMs} ms, promtool ${b.promtoolMs} ms)`);
t = performance.now();
const prom = await startLocalPrometheus({ blocksDir: blocks });
const startMs = Math.round(performance.now() - t);
rmSync(blocks, { recursive: true, force: true });
log(`Prometheus ready in ${startMs} ms`);

let queries = 0;
const counting: typeof fetch = (input, init) => {
  queries++;
  return fetch(input, init);
};
const connectors: Record<string, MonitoringConnector> = {
  builtin: new BuiltinMonitoringConnector(scenario),
  prometheus: new PrometheusMonitoringConnector({ url: prom.url, fetch: counting, timeoutMs: 30_000 }),
};

/** Deterministic distinct pages: a seeded shuffle of the targets, cut into pages of `size`. */
function pages(size: number, count: number): string[][] {
  const ids = scenario.targets.map((x) => x.id);
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out: string[][] = [];
  while (out.length < count) {
    const shuffled = [...ids].sort(() => rnd() - 0.5);
    for (let i = 0; i + size <= shuffled.length && out.length < count; i += size) out.push(shuffled.slice(i, i + size));
  }
  return out;
}

interface Row { platform: string; pageSize: number; summary: Summary; queriesPerPage: number | null }
const rows: Row[] = [];
try {
  for (const size of [10, 50, 200]) {
    for (const [name, c] of Object.entries(connectors)) {
      const ps = pages(size, N);
      for (const p of ps.slice(0, 20)) await c.healthOfTargets(p); // warm-up
      const before = queries;
      const samples: number[] = [];
      let nonNull = 0;
      for (const p of ps) {
        const t0 = performance.now();
        const h = await c.healthOfTargets(p);
        samples.push(performance.now() - t0);
        nonNull += h.filter(Boolean).length;
      }
      if (nonNull === 0) throw new Error(`${name} answered no health at all`);
      rows.push({ platform: name, pageSize: size, summary: summarize(samples), queriesPerPage: name === 'prometheus' ? (queries - before) / ps.length : null });
    }
  }
} finally {
  await prom.stop();
}

const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  '| platform | targets per page | pages | p50 ms | p99 ms | mean ms | Prometheus queries per page |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.platform} | ${r.pageSize} | ${r.summary.n} | ${r.summary.p50} | ${r.summary.p99} | ${r.summary.mean} | ${r.queriesPerPage ?? '—'} |`),
].join('\n');
console.log(`health of a page of targets, ${TARGETS}-target scenario, ${b.samples} samples backfilled (${machine})\n`);
console.log(`backfill ${backfillMs} ms (OpenMetrics ${b.writeMs} ms, promtool ${b.promtoolMs} ms), Prometheus start ${startMs} ms\n`);
console.log(table);
writeFileSync(
  new URL('./results/prometheus-latest.json', import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), machine, targets: TARGETS, samples: b.samples, backfillMs, writeMs: b.writeMs, promtoolMs: b.promtoolMs, startMs, rows }, null, 2)}\n`,
);
