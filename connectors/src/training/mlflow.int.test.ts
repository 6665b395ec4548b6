/**
 * The TrainingConnector contract over a real MLflow 3.17.2 server that this file installs (once,
 * cached in mlflow/.cache/venv), starts on a free port, seeds with the 60-target scenario slice
 * through mlflow/seed.ts, and stops. The built-in registry runs the same suite over the same
 * slice (builtin.contract.test.ts), so both give the same answers.
 */
import { startLocalMlflow } from '../../../mlflow/local-server.mjs';
import { seedMlflow } from '../../../mlflow/seed.ts';
import { describeTrainingConnectorContract } from './contract.ts';
import { MlflowTrainingConnector } from './mlflow.ts';

let requests = 0;
const counting: typeof fetch = (input, init) => {
  requests++;
  return fetch(input, init);
};
let stop: () => Promise<void> = async () => {};
let mlflowUrl = '';

/** A version's tags and aliases straight from MLflow's REST API, not through the connector. */
async function registryState(id: string) {
  const slash = id.lastIndexOf('/');
  const q = new URLSearchParams({ name: id.slice(0, slash), version: id.slice(slash + 1) });
  const res = await fetch(`${mlflowUrl}/api/2.0/mlflow/model-versions/get?${q}`);
  if (!res.ok) throw new Error(`model-versions/get ${id}: HTTP ${res.status}`);
  const { model_version: mv } = (await res.json()) as { model_version: { tags?: { key: string; value: string }[]; aliases?: string[] } };
  return { tags: Object.fromEntries((mv.tags ?? []).map((t) => [t.key, t.value])), aliases: mv.aliases ?? [] };
}

describeTrainingConnectorContract(
  'mlflow',
  async () => {
    const log = (l: string) => process.stderr.write(`${l}\n`);
    let t = Date.now();
    const mlflow = await startLocalMlflow({ log });
    stop = mlflow.stop;
    mlflowUrl = mlflow.url;
    log(`[test] MLflow at ${mlflow.url} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const seeded = await seedMlflow({ url: mlflow.url, targets: 60 });
    log(`[test] seeded ${seeded.scenario.runs.length} runs, ${seeded.scenario.modelVersions.length} versions in ${seeded.requests} requests, ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const again = await seedMlflow({ url: mlflow.url, targets: 60 });
    if (Object.values(again.created).some((n) => n > 0)) throw new Error(`seeding twice wrote again: ${JSON.stringify(again.created)}`);
    return {
      connector: new MlflowTrainingConnector({ url: mlflow.url, fetch: counting, timeoutMs: 30_000 }),
      scenario: seeded.scenario,
      runId: (id) => {
        const mapped = seeded.runIds.get(id);
        if (!mapped) throw new Error(`scenario run ${id} was not seeded`);
        return mapped;
      },
      cleanup: () => stop(),
    };
  },
  { requests: () => requests, registryState, stopPlatform: () => stop(), openTimeoutMs: 900_000 },
);
