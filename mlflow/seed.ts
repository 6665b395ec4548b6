/**
 * Loads a slice of the plant scenario into a real MLflow server through its REST API:
 * experiments, runs (params, metrics, status, timings, git commit, dataset inputs with name,
 * digest, source, schema and profile), registered models, model versions (description, tags,
 * `derived_from`) and aliases. Idempotent: a second run finds everything and writes nothing.
 *
 *   npx tsx mlflow/seed.ts --url http://127.0.0.1:5000 [--targets 60] [--seed 42]
 *                          [--token T | --username U --password P] [--map runs.json]
 *
 * MLflow chooses run ids itself, so each run carries the id it has in the scenario in the tag
 * `mlops.source_run_id` (the way mlflow-export-import keeps a source id); `--map` writes the
 * scenario → MLflow run id map. MLflow cannot backdate a registration, so each version carries
 * its scenario registration time in `mlops.created_at`, and versions are registered in that
 * order so MLflow's own creation order agrees with it.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { groupBy } from '@mlops/kit/loaders';
import { getScenario, type DatasetVersion, type Run, type Scenario } from '@mlops/kit/scenario';

const SEEDED = 'mlops.seeded';
const SOURCE_RUN = 'mlops.source_run_id';

export interface SeedOptions {
  url: string;
  targets?: number;
  seed?: number;
  token?: string;
  username?: string;
  password?: string;
  /** Parallel run uploads (versions are registered one at a time, in order). Default 4. */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SeedResult {
  scenario: Scenario;
  /** Scenario run id → MLflow run id. */
  runIds: Map<string, string>;
  created: { experiments: number; runs: number; models: number; versions: number; aliases: number };
  requests: number;
}

interface KV {
  key: string;
  value: string;
}

class MlflowHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const COLSPEC: Record<string, string> = { timestamp: 'datetime', string: 'string', double: 'double', int: 'integer' };
const ms = (iso: string) => Date.parse(iso);

/** MLflow's dataset entity for a scenario dataset version: `name@digest` is the version's id. */
export function mlflowDataset(dv: DatasetVersion) {
  return {
    name: dv.datasetId,
    digest: dv.id.slice(dv.datasetId.length + 1),
    source_type: 's3',
    source: JSON.stringify({ uri: dv.uri }),
    schema: JSON.stringify({ mlflow_colspec: dv.schema.map((f) => ({ type: COLSPEC[f.type] ?? 'string', name: f.name, required: true })) }),
    profile: JSON.stringify({ num_rows: dv.rowCount }),
  };
}

async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function seedMlflow(opts: SeedOptions): Promise<SeedResult> {
  const scenario = getScenario({ targets: opts.targets ?? 60, seed: opts.seed ?? 42 });
  const log = opts.log ?? (() => {});
  const base = `${opts.url.replace(/\/+$/, '')}/api/2.0/mlflow`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  else if (opts.username) headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
  let requests = 0;
  const call = async <T>(method: 'GET' | 'POST', path: string, body: Record<string, unknown> | URLSearchParams = {}): Promise<T> => {
    requests++;
    const get = body instanceof URLSearchParams;
    const res = await fetch(get ? `${base}/${path}?${body}` : `${base}/${path}`, { method, headers, body: get ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) {
      let code = '';
      try {
        code = (JSON.parse(text) as { error_code?: string }).error_code ?? '';
      } catch {
        /* not JSON */
      }
      throw new MlflowHttpError(res.status, code, `MLflow ${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    return JSON.parse(text || '{}') as T;
  };
  const created = { experiments: 0, runs: 0, models: 0, versions: 0, aliases: 0 };

  // 1. Experiments, one per scenario experiment (`<project>/<machine>`, `<project>/base`, …).
  const experimentId = new Map<string, string>();
  for (const name of [...new Set(scenario.runs.map((r) => r.experiment))]) {
    try {
      const r = await call<{ experiment: { experiment_id: string; lifecycle_stage: string } }>('GET', 'experiments/get-by-name', new URLSearchParams({ experiment_name: name }));
      if (r.experiment.lifecycle_stage === 'deleted') await call('POST', 'experiments/restore', { experiment_id: r.experiment.experiment_id });
      experimentId.set(name, r.experiment.experiment_id);
    } catch (e) {
      if (!(e instanceof MlflowHttpError && e.status === 404)) throw e;
      const project = scenario.runs.find((r) => r.experiment === name)!.projectId;
      const r = await call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags: [{ key: 'project', value: project }] });
      experimentId.set(name, r.experiment_id);
      created.experiments++;
    }
  }

  // 2. Runs. Existing ones are found by their source id; a half-written one (no `mlops.seeded`) is redone.
  const runIds = new Map<string, string>();
  const stale: string[] = [];
  for (let token: string | undefined, first = true; first || token; first = false) {
    const r = await call<{ runs?: { info: { run_id: string }; data?: { tags?: KV[] } }[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: [...experimentId.values()],
      filter: `tags.\`${SOURCE_RUN}\` LIKE '%'`,
      max_results: 50_000,
      ...(token ? { page_token: token } : {}),
    });
    for (const run of r.runs ?? []) {
      const tags = new Map((run.data?.tags ?? []).map((t) => [t.key, t.value]));
      const src = tags.get(SOURCE_RUN);
      if (src && tags.get(SEEDED) === '1' && !runIds.has(src)) runIds.set(src, run.info.run_id);
      else stale.push(run.info.run_id);
    }
    token = r.next_page_token || undefined;
  }
  for (const id of stale) await call('POST', 'runs/delete', { run_id: id });
  const upload = async (run: Run) => {
    const r = await call<{ run: { info: { run_id: string } } }>('POST', 'runs/create', {
      experiment_id: experimentId.get(run.experiment),
      user_id: run.user,
      run_name: `train-${run.modelName}`,
      start_time: ms(run.startTime),
      tags: [
        { key: 'mlflow.source.git.commit', value: run.codeVersion },
        { key: 'mlflow.user', value: run.user },
        { key: SOURCE_RUN, value: run.id },
      ],
    });
    const id = r.run.info.run_id;
    await call('POST', 'runs/log-inputs', {
      run_id: id,
      datasets: run.inputs.map((dvId) => {
        const dv = scenario.index.datasetVersion.get(dvId);
        if (!dv) throw new Error(`scenario run ${run.id} consumes unknown dataset version ${dvId}`);
        return { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: mlflowDataset(dv) };
      }),
    });
    await call('POST', 'runs/update', { run_id: id, status: run.status, end_time: ms(run.endTime) });
    await call('POST', 'runs/log-batch', {
      run_id: id,
      params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(run.metrics).map(([key, value]) => ({ key, value, timestamp: ms(run.endTime), step: 0 })),
      // Written last: a run without it was interrupted and is redone by the next seeding.
      tags: [{ key: SEEDED, value: '1' }],
    });
    runIds.set(run.id, id);
    created.runs++;
  };
  const missing = scenario.runs.filter((r) => !runIds.has(r.id));
  log(`runs: ${runIds.size} present, ${missing.length} to upload, ${stale.length} half-written removed`);
  // Runs of one experiment go one after another: MLflow inserts a run's datasets per experiment
  // without an upsert, so two runs logging the same dataset version at once collide.
  const byExperiment = [...groupBy(missing, (r) => r.experiment).values()];
  await pool(byExperiment, opts.concurrency ?? 4, async (runs) => {
    for (const r of runs) await upload(r);
  });

  // 3. Registered models and versions, in registration order (MLflow numbers versions 1, 2, …).
  const names = [...new Set(scenario.modelVersions.map((m) => m.name))];
  const existing = new Map<string, Set<number>>();
  const aliasAt = new Map<string, string>(); // `name@alias` → version
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100);
    const q = new URLSearchParams({ filter: `name IN (${chunk.map((n) => `'${n}'`).join(', ')})`, max_results: '1000' });
    const r = await call<{ registered_models?: { name: string; aliases?: { alias: string; version: string }[] }[] }>('GET', 'registered-models/search', q);
    for (const m of r.registered_models ?? []) {
      existing.set(m.name, new Set());
      for (const a of m.aliases ?? []) aliasAt.set(`${m.name}@${a.alias}`, a.version);
    }
    const v = await call<{ model_versions?: { name: string; version: string }[] }>('GET', 'model-versions/search', new URLSearchParams({ filter: q.get('filter')!, max_results: '200000' }));
    for (const mv of v.model_versions ?? []) existing.get(mv.name)?.add(Number(mv.version));
  }
  for (const name of names) {
    if (existing.has(name)) continue;
    const sample = scenario.modelVersions.find((m) => m.name === name)!;
    await call('POST', 'registered-models/create', { name, tags: [{ key: 'project', value: sample.projectId }] });
    existing.set(name, new Set());
    created.models++;
  }
  const ordered = [...scenario.modelVersions].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name) || a.version - b.version);
  let lastCreated = 0;
  for (const mv of ordered) {
    if (existing.get(mv.name)!.has(mv.version)) continue;
    const runId = runIds.get(mv.runId);
    if (!runId) throw new Error(`model version ${mv.id}: its run ${mv.runId} is not in MLflow`);
    // Distinct registration times keep MLflow's creation order a strict copy of the scenario's.
    while (Date.now() <= lastCreated) await new Promise((r) => setTimeout(r, 1));
    const r = await call<{ model_version: { version: string; creation_timestamp: number } }>('POST', 'model-versions/create', {
      name: mv.name,
      source: `runs:/${runId}/model`,
      run_id: runId,
      description: mv.description,
      tags: [
        ...Object.entries(mv.tags).map(([key, value]) => ({ key, value })),
        ...(mv.derivedFrom ? [{ key: 'derived_from', value: mv.derivedFrom }] : []),
        { key: 'mlops.created_at', value: mv.createdAt },
      ],
    });
    lastCreated = Number(r.model_version.creation_timestamp);
    if (Number(r.model_version.version) !== mv.version) {
      throw new Error(`MLflow numbered ${mv.name} version ${r.model_version.version}, the scenario has ${mv.version}: the registry already held other versions of this model`);
    }
    existing.get(mv.name)!.add(mv.version);
    created.versions++;
  }

  // 4. Aliases (an alias names one version per registered model; setting it again is a no-op).
  for (const mv of scenario.modelVersions) {
    for (const alias of mv.aliases) {
      if (aliasAt.get(`${mv.name}@${alias}`) === String(mv.version)) continue;
      await call('POST', 'registered-models/alias', { name: mv.name, alias, version: String(mv.version) });
      created.aliases++;
    }
  }
  return { scenario, runIds, created, requests };
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      targets: { type: 'string', default: '60' },
      seed: { type: 'string', default: '42' },
      token: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      map: { type: 'string' },
    },
  });
  const url = values.url ?? process.env.MLFLOW_URL;
  if (!url) {
    process.stderr.write('usage: npx tsx mlflow/seed.ts --url <mlflow url> [--targets 60] [--seed 42] [--token T | --username U --password P] [--map runs.json]\n');
    process.exit(2);
  }
  const t0 = Date.now();
  const r = await seedMlflow({
    url,
    targets: Number(values.targets),
    seed: Number(values.seed),
    token: values.token ?? process.env.MLFLOW_TRACKING_TOKEN,
    username: values.username ?? process.env.MLFLOW_TRACKING_USERNAME,
    password: values.password ?? process.env.MLFLOW_TRACKING_PASSWORD,
    log: (l) => process.stderr.write(`[mlflow/seed] ${l}\n`),
  });
  if (values.map) writeFileSync(values.map, `${JSON.stringify(Object.fromEntries(r.runIds), null, 2)}\n`);
  const s = r.scenario;
  process.stderr.write(
    `[mlflow/seed] ${url}: ${s.targets.length} targets, ${s.runs.length} runs, ${s.modelVersions.length} versions; created ${JSON.stringify(r.created)} in ${r.requests} requests, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    process.stderr.write(`[mlflow/seed] ${(e as Error).message}\n`);
    process.exit(1);
  });
}
