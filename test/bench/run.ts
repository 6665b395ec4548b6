/**
 * `npm run bench`: times the flagship query through the real gateway and subgraphs at the
 * default size (300 targets) and at 10,000 targets. Prints a table and writes
 * test/bench/results/latest.json. Benchmarks never assert times; they report them.
 * BENCH_REQUESTS (default 200) sets the measured requests per case.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { startStack } from '../helpers/start-stack.ts';
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

const machine = `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const header = '| case | targets | n | p50 ms | p99 ms | mean ms | subgraph requests/query | connector calls/query |';
const table = [
  header,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.case} | ${r.targets} | ${r.summary.n} | ${r.summary.p50} | ${r.summary.p99} | ${r.summary.mean} | ${r.subgraphRequestsPerQuery} | ${r.connectorCallsPerQuery} |`),
].join('\n');
process.stdout.write(`\nmachine: ${machine}\ndate: ${new Date().toISOString()}\n\n${table}\n`);
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2) + '\n');
