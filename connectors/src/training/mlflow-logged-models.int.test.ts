/**
 * MLflow 3 logged models through the connector, on a real MLflow 3.17.2: one training run logs
 * two models (say, two checkpoints) with their own metrics, and each is registered as a version
 * of the same registered model. Each version then reports its own logged model's metrics over
 * the run's, its run is the logged model's source run, and reading any number of versions costs
 * one logged-model search on top of the usual requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalMlflow, type LocalMlflow } from '../../../mlflow/local-server.mjs';
import { MlflowTrainingConnector } from './mlflow.ts';

let mlflow: LocalMlflow | undefined;
const paths: string[] = [];
const counting: typeof fetch = (input, init) => {
  paths.push(new URL(String(input)).pathname.replace('/api/2.0/mlflow/', ''));
  return fetch(input, init);
};

async function api<T = any>(path: string, body: Record<string, unknown>): Promise<T> {
  const r = await fetch(`${mlflow!.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

let runId = '';
const modelIds: string[] = [];

beforeAll(async () => {
  mlflow = await startLocalMlflow({ log: (l: string) => process.stderr.write(`${l}\n`) });
  const { experiment_id } = await api<{ experiment_id: string }>('experiments/create', { name: 'checkpoints', tags: [{ key: 'project', value: 'pump-anomaly' }] });
  runId = (await api('runs/create', { experiment_id, start_time: Date.parse('2026-11-01T00:00:00Z') })).run.info.run_id;
  const at = Date.parse('2026-11-01T01:00:00Z');
  await api('runs/log-batch', { run_id: runId, metrics: [{ key: 'f1', value: 0.8, timestamp: at, step: 0 }, { key: 'loss', value: 0.3, timestamp: at, step: 0 }] });
  for (const [i, f1] of [0.84, 0.91].entries()) {
    const id = (await api('logged-models', { experiment_id, name: `checkpoint-${i}`, source_run_id: runId })).model.info.model_id as string;
    modelIds.push(id);
    // A model's metric is logged on its run with the model's id; a later value replaces an earlier one.
    await api('runs/log-metric', { run_id: runId, model_id: id, key: 'f1', value: f1 - 0.05, timestamp: at + 1_000, step: 0 });
    await api('runs/log-metric', { run_id: runId, model_id: id, key: 'f1', value: f1, timestamp: at + 2_000, step: 1 });
  }
  await api('registered-models/create', { name: 'pump-checkpoint', tags: [{ key: 'project', value: 'pump-anomaly' }] });
  for (const id of modelIds) await api('model-versions/create', { name: 'pump-checkpoint', source: `models:/${id}`, model_id: id });
}, 300_000);

afterAll(async () => {
  await mlflow?.stop();
});

describe('MLflow 3 logged models', () => {
  it("reports each version's own logged-model metrics over its run's, with the model's source run", async () => {
    const c = new MlflowTrainingConnector({ url: mlflow!.url, fetch: counting });
    const [v1, v2, missing] = await c.getModelVersions(['pump-checkpoint/1', 'pump-checkpoint/2', 'pump-checkpoint/9']);
    expect(v1).toMatchObject({ id: 'pump-checkpoint/1', runId, projectId: 'pump-anomaly', metrics: { f1: 0.84, loss: 0.3 } });
    expect(v2).toMatchObject({ id: 'pump-checkpoint/2', runId, projectId: 'pump-anomaly', metrics: { f1: 0.91, loss: 0.3 } });
    expect(missing).toBeNull();
    // MLflow's run metric is the latest value logged on the run, whichever model it was for
    // (checkpoint-1's 0.91): taking the run's metrics alone would give version 1 the wrong f1.
    expect((await c.getRuns([runId]))[0]!.metrics).toMatchObject({ f1: 0.91 });
  });

  it('costs one logged-model search for the whole batch, none when no version came from a logged model', async () => {
    const c = new MlflowTrainingConnector({ url: mlflow!.url, fetch: counting, experimentCacheMs: 600_000 });
    await c.getModelVersions(['pump-checkpoint/1']);
    paths.length = 0;
    await c.getModelVersions(['pump-checkpoint/1', 'pump-checkpoint/2']);
    expect(paths.filter((p) => p === 'logged-models/search')).toHaveLength(1);
    const perBatch = paths.length;
    paths.length = 0;
    await c.getModelVersions(['pump-checkpoint/1']);
    expect(paths.length).toBe(perBatch);
    paths.length = 0;
    await c.getModelVersions(['pump-checkpoint/9']);
    expect(paths).not.toContain('logged-models/search');
  });
});
