/**
 * Incremental freshness over a real MLflow 3.17.2: MLflow's own signed webhooks drive the
 * lineage sync, with the periodic pass switched off (syncIntervalMs 0), so whatever shows up in
 * the graph after the initial sync came through a webhook.
 *
 * - A new model version and a moved `champion` alias, made with MLflow's Python client, show in
 *   `modelVersion` (aliases), `trainedOn` and the lineage graph without a restart.
 * - A tag set on an existing version (which does not bump MLflow's `last_updated_timestamp`, so
 *   the watermark feed cannot see it) reaches the graph only through a correctly signed event:
 *   unsigned, wrongly signed, tampered and stale calls are refused with 401 and write nothing.
 * - Registering the webhook twice leaves one webhook.
 *
 * The MLflow server runs with MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https and
 * MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true (the receiver is on 127.0.0.1), and
 * MLFLOW_WEBHOOK_CACHE_TTL=1 so that events right after the registration are delivered (the
 * default 60 s cache would hold the empty webhook list the seeding's events cached).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMlflowWebhooks, MlflowTrainingConnector, registerMlflowWebhook } from '@mlops/connectors/training';
import { mlflowSignature } from '@mlops/subgraph-lineage';
import { startLocalMlflow, type LocalMlflow } from '../../mlflow/local-server.mjs';
import { seedMlflow } from '../../mlflow/seed.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';

const TARGETS = 6;
const SECRET = `whsec-${randomUUID()}`;
const PYTHON = fileURLToPath(new URL('../../mlflow/.cache/venv/bin/python', import.meta.url));

let mlflow: LocalMlflow | undefined;
let stack: Stack | undefined;
let receiver: string;
/** The version whose tag is set before the webhook exists, and the version it then derives from. */
let tagged: { id: string; name: string; version: string; derivedFrom: string };

const api = async <T = any>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${mlflow!.url}/api/2.0/mlflow/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`MLflow ${path}: ${res.status} ${text}`);
  return JSON.parse(text || '{}') as T;
};

/** Polls `probe` until it returns a value (not a timing assertion: a deadline for a failure). */
async function eventually<T>(probe: () => Promise<T | null | undefined>, what: string, deadlineMs = 45_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const LINEAGE = `query ($id: ID!) { lineage(rootId: $id, depth: 1) { root { id type } nodes { id type } edges { from to type } } }`;
const MODEL = `query ($id: ID!) { modelVersion(id: $id) { id name version aliases run { id } trainedOn(depth: 0) { depth datasetVersion { id } run { id } } } }`;
const FRESHNESS = `{ platformFreshness { platform nodes watermark } }`;

const post = (body: string, headers: Record<string, string>) =>
  fetch(receiver, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const signed = (body: string, secret = SECRET, ts = String(Math.floor(Date.now() / 1000)), id = randomUUID()) => ({
  'x-mlflow-delivery-id': id,
  'x-mlflow-timestamp': ts,
  'x-mlflow-signature': mlflowSignature(secret, id, ts, body),
});
const derivedEdge = async () => {
  const res = await stack!.query(LINEAGE, { id: tagged.id });
  expect(res.errors).toBeUndefined();
  return res.data.lineage.edges.some((e: any) => e.type === 'DERIVED_FROM' && e.from === tagged.id && e.to === tagged.derivedFrom);
};

beforeAll(async () => {
  mlflow = await startLocalMlflow({
    env: { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http,https', MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true', MLFLOW_WEBHOOK_CACHE_TTL: '1' },
    log: (l: string) => process.stderr.write(`${l}\n`),
  });
  await seedMlflow({ url: mlflow.url, targets: TARGETS });
  stack = await startStack({ targets: TARGETS, neo4j: null, syncIntervalMs: 0, training: new MlflowTrainingConnector({ url: mlflow.url }), trainingWebhookSecret: SECRET });
  receiver = stack.subgraphs.lineage.url.replace(/\/graphql$/, '/webhooks/mlflow');

  // Before any webhook exists: a `derived_from` tag on an old version without one. MLflow does not
  // bump last_updated_timestamp for a tag, so no watermark pass will ever see this change.
  const { model_versions: versions } = await api<{ model_versions: any[] }>('GET', 'model-versions/search?max_results=1000&order_by=last_updated_timestamp%20ASC');
  const a = versions.find((v) => !(v.tags ?? []).some((t: any) => t.key === 'derived_from'));
  const b = versions.find((v) => v.name !== a.name);
  tagged = { id: `${a.name}/${a.version}`, name: a.name, version: a.version, derivedFrom: `${b.name}/${b.version}` };
  await api('POST', 'model-versions/set-tag', { name: a.name, version: a.version, key: 'derived_from', value: tagged.derivedFrom });
  // Measured, not assumed: the tag left the version's last_updated_timestamp where it was.
  const afterTag = await api('GET', `model-versions/get?name=${encodeURIComponent(a.name)}&version=${a.version}`);
  expect(afterTag.model_version.last_updated_timestamp).toBe(a.last_updated_timestamp);

  // Registered twice: the second call updates the first webhook.
  const first = await registerMlflowWebhook({ mlflowUrl: mlflow.url, receiverUrl: receiver, secret: SECRET });
  const second = await registerMlflowWebhook({ mlflowUrl: mlflow.url, receiverUrl: receiver, secret: SECRET });
  expect([first.action, second.action, second.id]).toEqual(['created', 'updated', first.id]);
  // Let MLflow's webhook list cache (MLFLOW_WEBHOOK_CACHE_TTL=1) expire.
  await new Promise((r) => setTimeout(r, 1_500));
}, 900_000);

afterAll(async () => {
  await stack?.stop();
  await mlflow?.stop();
});

describe('freshness through MLflow webhooks', () => {
  it('registering the webhook again does not duplicate it', async () => {
    const hooks = await listMlflowWebhooks(mlflow!.url);
    expect(hooks.map((h) => [h.name, h.url, h.status])).toEqual([['mlops-gateway-lineage', receiver, 'ACTIVE']]);
  });

  it('refuses unsigned, wrongly signed, tampered and stale calls with 401 and writes nothing', async () => {
    const event = JSON.stringify({
      entity: 'model_version_tag',
      action: 'set',
      timestamp: new Date().toISOString(),
      data: { name: tagged.name, version: tagged.version, key: 'derived_from', value: tagged.derivedFrom },
    });
    const before = await stack!.query(FRESHNESS);
    const passes = stack!.sync.incrementalPasses;
    expect(await derivedEdge()).toBe(false);

    const forged: [string, Record<string, string>][] = [
      ['no signature', {}],
      ['delivery id and timestamp but no signature', { 'x-mlflow-delivery-id': randomUUID(), 'x-mlflow-timestamp': String(Math.floor(Date.now() / 1000)) }],
      ['signed with another secret', signed(event, 'not-the-shared-secret-at-all')],
      ['signature of another body', signed(event.replace('set', 'deleted'))],
      ['signed 10 minutes ago', signed(event, SECRET, String(Math.floor(Date.now() / 1000) - 600))],
      ['a bare sha256 HMAC (not MLflow\'s scheme)', { 'x-mlflow-signature': 'sha256=00', 'x-mlflow-timestamp': '1', 'x-mlflow-delivery-id': 'x' }],
    ];
    for (const [why, headers] of forged) {
      const res = await post(event, headers);
      expect(res.status, why).toBe(401);
    }
    // Flush: a pass queued now runs after anything the forged calls could have queued.
    await stack!.sync.trigger();
    expect(stack!.sync.incrementalPasses).toBe(passes + 1);
    expect(await derivedEdge()).toBe(false);
    const after = await stack!.query(FRESHNESS);
    const nodes = (r: any) => r.data.platformFreshness.map((f: any) => [f.platform, f.nodes]);
    expect(nodes(after)).toEqual(nodes(before));

    // The same event, signed as MLflow signs: accepted, and the tag reaches the graph by id.
    const ok = await post(event, signed(event));
    expect(ok.status).toBe(202);
    expect(await eventually(async () => ((await derivedEdge()) ? true : null), 'the derived_from edge after a signed event')).toBe(true);
  }, 120_000);

  it('a new version and a moved champion alias (MLflow Python client) show in modelVersion, trainedOn and the lineage graph', async () => {
    // The model whose champion moves, its current champion and that champion's training data.
    const { registered_models: models } = await api<{ registered_models: any[] }>('GET', 'registered-models/search?max_results=1000');
    const model = models.find((m) => (m.aliases ?? []).some((a: any) => a.alias === 'champion'))!;
    const oldChampion = `${model.name}/${model.aliases.find((a: any) => a.alias === 'champion').version}`;
    const old = await stack!.query(MODEL, { id: oldChampion });
    expect(old.errors).toBeUndefined();
    expect(old.data.modelVersion.aliases).toContain('champion');
    const oldRun = await api<{ run: any }>('GET', `runs/get?run_id=${old.data.modelVersion.run.id}`);
    const datasets = (oldRun.run.inputs?.dataset_inputs ?? []).map((d: any) => d.dataset);
    expect(datasets.length).toBeGreaterThan(0);
    const wantData = [...new Set(old.data.modelVersion.trainedOn.map((t: any) => t.datasetVersion.id))].sort();
    expect(wantData).toEqual(datasets.map((d: any) => `${d.name}@${d.digest}`).sort());
    const passes = stack!.sync.incrementalPasses;
    const stamp = async (id: string) => {
      const [name, version] = [id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)];
      return (await api('GET', `model-versions/get?name=${encodeURIComponent(name)}&version=${version}`)).model_version.last_updated_timestamp;
    };
    const oldStamp = await stamp(oldChampion);

    // MLflow's own client: a run on the same data, a version registered from it, champion moved to it.
    const script = `
import json, sys
from mlflow import MlflowClient
from mlflow.entities import Dataset, DatasetInput, InputTag
spec = json.loads(sys.argv[1])
c = MlflowClient()
run = c.create_run(spec["experiment_id"], tags={"mlflow.source.git.commit": "freshness-test"})
rid = run.info.run_id
c.log_metric(rid, "f1", 0.97)
c.log_inputs(rid, datasets=[DatasetInput(Dataset(name=d["name"], digest=d["digest"], source_type=d.get("source_type", "s3"), source=d.get("source", "{}"), schema=d.get("schema"), profile=d.get("profile")), [InputTag("mlflow.data.context", "training")]) for d in spec["datasets"]])
c.set_terminated(rid, "FINISHED")
mv = c.create_model_version(spec["name"], f"runs:/{rid}/model", run_id=rid)
c.set_registered_model_alias(spec["name"], "champion", mv.version)
print(json.dumps({"run_id": rid, "version": mv.version}))
`;
    const spec = { name: model.name, experiment_id: oldRun.run.info.experiment_id, datasets };
    // Asynchronously: the gateway and the webhook receiver run in this process and must keep answering.
    const py = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(PYTHON, ['-c', script, JSON.stringify(spec)], { env: { ...process.env, MLFLOW_TRACKING_URI: mlflow!.url } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(py.code, py.stderr).toBe(0);
    const made = JSON.parse(py.stdout.trim().split('\n').at(-1)!) as { run_id: string; version: string };
    const newId = `${model.name}/${made.version}`;

    // Through the gateway, without a restart: trainedOn and the graph come from the lineage graph,
    // which only a webhook-driven pass can have written (the periodic pass is off).
    const fresh = await eventually(async () => {
      const r = await stack!.query(MODEL, { id: newId });
      return r.data?.modelVersion?.trainedOn?.length ? r : null;
    }, `trainedOn of ${newId}`);
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data.modelVersion).toMatchObject({ id: newId, name: model.name, version: Number(made.version), run: { id: made.run_id } });
    expect(fresh.data.modelVersion.aliases).toContain('champion');
    expect([...new Set(fresh.data.modelVersion.trainedOn.map((t: any) => t.datasetVersion.id))].sort()).toEqual(wantData);
    expect(fresh.data.modelVersion.trainedOn.every((t: any) => t.run.id === made.run_id && t.depth === 0)).toBe(true);

    const graph = await stack!.query(LINEAGE, { id: newId });
    expect(graph.errors).toBeUndefined();
    expect(graph.data.lineage.root).toEqual({ id: newId, type: 'ModelVersion' });
    expect(graph.data.lineage.edges).toContainEqual({ from: made.run_id, to: newId, type: 'PRODUCED' });
    const runGraph = await stack!.query(LINEAGE, { id: made.run_id });
    expect(runGraph.data.lineage.edges.filter((e: any) => e.type === 'CONSUMED').map((e: any) => e.to).sort()).toEqual(wantData);

    // The alias left the old champion (the registry answers it live); MLflow did not touch its
    // last_updated_timestamp, which is why an alias move cannot ride on the watermark feed.
    expect(await stamp(oldChampion)).toBe(oldStamp);
    const was = await stack!.query(MODEL, { id: oldChampion });
    expect(was.data.modelVersion.aliases).not.toContain('champion');
    expect(stack!.sync.incrementalPasses).toBeGreaterThan(passes);
  }, 120_000);
});
