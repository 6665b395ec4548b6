/**
 * `npm run bench`: times the flagship query through the real gateway and subgraphs at the
 * default size (300 targets) and at 10,000 targets. Prints a table and writes
 * test/bench/results/latest.json. Benchmarks never assert times; they report them.
 * BENCH_REQUESTS (default 200) sets the measured requests per case.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { startStack } from '../helpers/start-stack.ts';
import { benchLineage, type LineageRow } from './lineage.ts';
import { measure, type Summary } from './stats.ts';

const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');
const N = Number(process.env.BENCH_REQUESTS ?? 200);
const SIZES = (process.env.BENCH_SIZES ?? '300,10000').split(',').map(Number);

interface Row {
  case: string;
  targets: number;
  summary: Summary;
  subgraphRequestsPerQuery: number;
  connectorCallsPerQuery: number;
}

const rows: Row[] = [];
for (const targets of SIZES) {
  const t0 = performance.now();
  const stack = await startStack({ targets });
  const startMs = Math.round(performance.now() - t0);
  process.stderr.write(`stack with ${targets} targets up in ${startMs} ms\n`);
  for (const first of [20, 100]) {
    const run = async () => {
      const res = await stack.query(FLAGSHIP, { projectId: 'pump-anomaly', first });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    stack.resetCounts();
    await run();
    const subgraphRequests = [...stack.gateway.subgraphRequests.byService.values()].reduce((a, b) => a + b, 0);
    const connectorCalls = Object.values(stack.connectors).reduce((a, c) => a + c.calls.total(), 0);
    const summary = await measure(N, 20, run);
    rows.push({ case: `flagship first:${first}`, targets, summary, subgraphRequestsPerQuery: subgraphRequests, connectorCallsPerQuery: connectorCalls });
  }
  await stack.stop();
}

// Lineage on a real Neo4j: BENCH_LINEAGE_SIZES (default 10000 and 30000: the scenario reaches
// a million relationships at about 27,000 targets); empty to skip.
const lineageRows: LineageRow[] = [];
for (const targets of (process.env.BENCH_LINEAGE_SIZES ?? '10000,30000').split(',').filter(Boolean).map(Number)) {
  process.stderr.write(`lineage bench at ${targets} targets\n`);
  lineageRows.push(await benchLineage(targets, N, (s) => process.stderr.write(`${s}\n`)));
}

const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const header = '| case | targets | n | p50 ms | p99 ms | mean ms | subgraph requests/query | connector calls/query |';
const table = [
  header,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.case} | ${r.targets} | ${r.summary.n} | ${r.summary.p50} | ${r.summary.p99} | ${r.summary.mean} | ${r.subgraphRequestsPerQuery} | ${r.connectorCallsPerQuery} |`),
].join('\n');
const lineageTable = [
  '| targets | nodes | relationships | sync s | rel/s | case | gateway p50 | gateway p99 | direct p50 | direct p99 | p50 ratio |',
  '| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ...lineageRows.flatMap((r) =>
    r.cases.map(
      (c) =>
        `| ${r.targets} | ${r.nodes} | ${r.relationships} | ${r.syncSeconds} | ${r.relationshipsPerSecond} | ${c.case} | ${c.gateway.p50} | ${c.gateway.p99} | ${c.direct.p50} | ${c.direct.p99} | ${c.ratioP50} |`,
    ),
  ),
].join('\n');
process.stdout.write(`\nmachine: ${machine}\ndate: ${new Date().toISOString()}\n\n${table}\n\n${lineageRows.length ? lineageTable : ''}\n`);
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  JSON.stringify({ machine, date: new Date().toISOString(), rows, lineage: lineageRows }, null, 2) + '\n',
);
