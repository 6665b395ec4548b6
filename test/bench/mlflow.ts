/**
 * The training platform on a real MLflow vs the built-in one (issue 9), in one run: MLflow 3.17.2
 * (mlflow/local-server.mjs) seeded with the 60-target slice, two embedded stacks over the same
 * slice (training = built-in, training = MLflow; in-memory lineage graph so only the training
 * platform differs), the flagship query alternating between them (every request a different
 * page), and the time of a full lineage sync from each. Prints a table, writes
 * test/bench/results/mlflow-latest.json. Run: `npx tsx test/bench/mlflow.ts [--n 100]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinTrainingConnector, MlflowTrainingConnector, type TrainingConnector } from '@mlops/connectors/training';
import { getScenario } from '@mlops/kit';
import { MemoryLineageStore } from '@mlops/subgraph-lineage/store';
import { startLocalMlflow } from '../../mlflow/local-server.mjs';
import { seedMlflow } from '../../mlflow/seed.ts';
import { scenarioProjects, syncOnce } from '../../subgraphs/lineage/src/sync/sync.ts';
import { startStack } from '../helpers/start-stack.ts';
import { summarize } from './stats.ts';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('n', 100);
const TARGETS = 60;
const FLAGSHIP = readFileSync(new URL('../flagship.graphql', import.meta.url), 'utf8');

const mlflow = await startLocalMlflow({ log: () => {} });
try {
  const t0 = performance.now();
  await seedMlflow({ url: mlflow.url, targets: TARGETS });
  const seedSeconds = (performance.now() - t0) / 1000;
  let mlflowRequests = 0;
  const counting: typeof fetch = (input, init) => {
    mlflowRequests++;
    return fetch(input, init);
  };
  const real = new MlflowTrainingConnector({ url: mlflow.url, fetch: counting });
  const scenario = getScenario({ targets: TARGETS, seed: 42 });

  // Full sync into a fresh graph, training from each platform (catalog and inference built-in in both).
  const syncFrom = async (training: TrainingConnector) => {
    const store = new MemoryLineageStore();
    await store.init();
    const projects = scenarioProjects(scenario);
    const s0 = performance.now();
    const reports = await syncOnce(store, { training, catalog: new BuiltinCatalogConnector(scenario), inference: new BuiltinInferenceConnector(scenario), projects });
    return { seconds: (performance.now() - s0) / 1000, trainingRecords: reports.find((r) => r.platform === 'training')?.records ?? 0 };
  };
  const syncBuiltin = await syncFrom(new BuiltinTrainingConnector(scenario));
  mlflowRequests = 0;
  const syncMlflow = await syncFrom(real);
  const syncRequests = mlflowRequests;

  const builtin = await startStack({ targets: TARGETS, neo4j: null });
  const viaMlflow = await startStack({ targets: TARGETS, neo4j: null, training: real });
  // Distinct requests: every project × page sizes 5–40 × first/second page.
  const bodies: Record<string, unknown>[] = [];
  for (const p of scenario.projects) for (let first = 5; first <= 40; first += 5) bodies.push({ projectId: p.id, first });
  const samples = { builtin: [] as number[], mlflow: [] as number[] };
  let errors = 0;
  mlflowRequests = 0;
  for (let i = 0; i < N; i++) {
    const vars = bodies[i % bodies.length]!;
    // Alternate which goes first, so neither always runs on a warmer machine.
    const order = i % 2 ? (['builtin', 'mlflow'] as const) : (['mlflow', 'builtin'] as const);
    for (const which of order) {
      const stack = which === 'builtin' ? builtin : viaMlflow;
      const q0 = performance.now();
      const res = await stack.query(FLAGSHIP, vars);
      samples[which].push(performance.now() - q0);
      if (res.errors) errors++;
    }
  }
  const perQuery = mlflowRequests / N;
  await Promise.all([builtin.stop(), viaMlflow.stop()]);

  const b = summarize(samples.builtin);
  const m = summarize(samples.mlflow);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGiB: Math.round(os.totalmem() / 2 ** 30), loadAverage1m: os.loadavg()[0] },
    targets: TARGETS,
    seedSeconds,
    flagship: { n: N, builtin: b, mlflow: m, ratioP50: m.p50 / b.p50, ratioP99: m.p99 / b.p99, mlflowRequestsPerQuery: perQuery, errors },
    fullSync: { builtinSeconds: syncBuiltin.seconds, mlflowSeconds: syncMlflow.seconds, trainingRecords: syncMlflow.trainingRecords, mlflowRequests: syncRequests },
  };
  console.table({
    'flagship, training built-in': { p50: b.p50, p99: b.p99, mean: b.mean },
    'flagship, training = MLflow': { p50: m.p50, p99: m.p99, mean: m.mean },
  });
  console.log(JSON.stringify(result, null, 1));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/mlflow-latest.json', import.meta.url), `${JSON.stringify(result, null, 1)}\n`);
} finally {
  await mlflow.stop();
}
