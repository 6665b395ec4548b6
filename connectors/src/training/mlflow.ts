/**
 * The training platform over a real MLflow 3 tracking server + model registry (REST API 2.0).
 *
 * How MLflow concepts map onto the connector's models (see mlflow/README.md for the seeding):
 * - TrainingRun.id is MLflow's own run id (the platform's stable id); `experiment` is the
 *   experiment's name; `projectId` the experiment's `project` tag; `codeVersion` the `mlflow.source.git.commit` tag; `inputs` are the run's
 *   dataset inputs as `name@digest`; `modelName` is the registered model the run produced a
 *   version of (MLflow runs carry no model name of their own).
 * - ModelVersion.id is `name/version`; `projectId` the registered model's `project` tag; `derivedFrom` is the `derived_from` version tag;
 *   `metrics` are the source run's metrics, overlaid with the metrics of the MLflow 3 logged
 *   model the version was registered from (`source` = `models:/<model_id>`) where there is one:
 *   a run can log several models, and a logged model's own metrics are the ones that describe
 *   the registered artifact (MLflow fills `run_id` from the logged model's `source_run_id`);
 *   `tags` are the user tags (without `derived_from`,
 *   `mlops.*` and MLflow's own `mlflow.*`); `createdAt` is the registration time, or the
 *   `mlops.created_at` tag an import sets because MLflow cannot backdate a registration;
 *   `updatedAt` is MLflow's `last_updated_timestamp` (the sync's watermark: always the
 *   platform's own clock).
 *
 * Every request is bounded: batch gets are chunked `IN (...)` searches, so 50 ids cost a
 * constant number of requests. Every platform failure is a ConnectorError naming `training`;
 * an unknown id is null.
 */
import { ConnectorError, pageOf, type Page, type PageRequest } from '@mlops/kit';
import type { ModelVersionFilterInput, ModelVersionModel, RunStatus, TrainingConnector, TrainingRunFilterInput, TrainingRunModel } from './types.ts';

export interface MlflowOptions {
  /** Base URL of the tracking server, e.g. `http://127.0.0.1:5000` (REST under /api/2.0/mlflow). */
  url: string;
  /** Bearer token (e.g. a Databricks or proxy token); wins over username/password. */
  token?: string;
  /** HTTP basic auth (MLflow's basic-auth app). */
  username?: string;
  password?: string;
  /** Per request. */
  timeoutMs?: number;
  /** The HTTP client; tests pass a counting wrapper around the real `fetch`. */
  fetch?: typeof fetch;
  /** How long the experiment list (id ↔ name) is trusted before a miss refreshes it. */
  experimentCacheMs?: number;
}

/** Tags the connector reads but does not report as user tags. */
export const MLFLOW_TAGS = {
  commit: 'mlflow.source.git.commit',
  derivedFrom: 'derived_from',
  createdAt: 'mlops.created_at',
  /** The id a run had where it came from (set by an import such as mlflow/seed.ts). */
  sourceRunId: 'mlops.source_run_id',
} as const;

/** The version tag a deprecation sets, naming the replacement version id. */
const DEPRECATED_TAG = 'deprecated';
/** The tag of an experiment and of a registered model naming its project. */
const PROJECT_TAG = 'project';
const CHUNK = 100; // ids per IN (...) filter: well under SQLite's bound-parameter limit
const MV_PAGE_MAX = 200_000; // MLflow's SEARCH_MODEL_VERSION_MAX_RESULTS_THRESHOLD
const RUN_PAGE_MAX = 50_000; // SEARCH_MAX_RESULTS_THRESHOLD
const EXP_PAGE_MAX = 50_000;

interface KV {
  key: string;
  value: string;
}
interface MlflowRun {
  info: { run_id: string; experiment_id: string; user_id?: string; status: string; start_time?: string | number; end_time?: string | number };
  data?: { metrics?: { key: string; value: number }[]; params?: KV[]; tags?: KV[] };
  inputs?: { dataset_inputs?: { dataset: { name: string; digest: string } }[] };
}
interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp?: string | number;
  last_updated_timestamp?: string | number;
  description?: string;
  run_id?: string;
  tags?: KV[];
  aliases?: string[];
  current_stage?: string;
  /** `models:/<model_id>` when registered from an MLflow 3 logged model. */
  source?: string;
}

interface MlflowLoggedModel {
  info: { model_id: string; source_run_id?: string };
  data?: { metrics?: { key: string; value: number; timestamp?: string | number; step?: string | number }[] };
}

/** The logged model a version was registered from, if any. */
const loggedModelOf = (v: MlflowModelVersion) => /^models:\/(m-[0-9a-f]{8,64})$/.exec(v.source ?? '')?.[1];

const iso = (ms: string | number | undefined) => new Date(Number(ms ?? 0)).toISOString();

/** A logged model keeps every logged value of a metric: the latest (by timestamp, then step) counts. */
function latestMetrics(ms: readonly { key: string; value: number; timestamp?: string | number; step?: string | number }[]): Map<string, number> {
  const best = new Map<string, { value: number; t: number; step: number }>();
  for (const m of ms) {
    const t = Number(m.timestamp ?? 0);
    const step = Number(m.step ?? 0);
    const cur = best.get(m.key);
    if (!cur || t > cur.t || (t === cur.t && step >= cur.step)) best.set(m.key, { value: Number(m.value), t, step });
  }
  return new Map([...best].map(([k, v]) => [k, v.value]));
}
/** Ids are interpolated into MLflow filter strings: anything that could break out of a quoted value is an unknown id. */
const safe = (s: string) => s.length > 0 && s.length <= 500 && !/['"`\\\n\r]/.test(s);
const quote = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const chunks = <T>(xs: readonly T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const byCreatedDesc = (a: ModelVersionModel, b: ModelVersionModel) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);

function status(s: string): RunStatus {
  if (s === 'FINISHED') return 'FINISHED';
  if (s === 'RUNNING' || s === 'SCHEDULED') return 'RUNNING';
  return 'FAILED'; // FAILED, KILLED
}

function parseModelVersionId(id: string): { name: string; version: number } | null {
  const slash = id.lastIndexOf('/');
  if (slash <= 0) return null;
  const name = id.slice(0, slash);
  const v = id.slice(slash + 1);
  if (!/^[1-9]\d{0,8}$/.test(v) || !safe(name)) return null;
  return { name, version: Number(v) };
}

/** The offset tokens of MLflow's searches (`base64({"offset": n})`), to resume at any item. */
const mlflowToken = (offset: number) => (offset > 0 ? Buffer.from(JSON.stringify({ offset })).toString('base64') : undefined);
function offsetOf(req: PageRequest): number {
  if (req.after === null) return 0;
  if (!/^\d{1,9}$/.test(req.after)) throw new ConnectorError('training', 'BAD_REQUEST', 'not a cursor returned by this list');
  return Number(req.after);
}

export class MlflowTrainingConnector implements TrainingConnector {
  readonly platform = 'training';
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly http: typeof fetch;
  private readonly experimentCacheMs: number;
  private experiments: { byId: Map<string, string>; byName: Map<string, string>; projectOf: Map<string, string>; at: number } | null = null;

  constructor(opts: MlflowOptions) {
    this.base = `${opts.url.replace(/\/+$/, '')}/api/2.0/mlflow`;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (opts.token) this.headers.authorization = `Bearer ${opts.token}`;
    else if (opts.username) this.headers.authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64')}`;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.http = opts.fetch ?? fetch;
    this.experimentCacheMs = opts.experimentCacheMs ?? 30_000;
  }

  // ---------------------------------------------------------------- transport

  /** One REST call; every failure becomes a ConnectorError naming the training platform. */
  private async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: Record<string, unknown> | URLSearchParams): Promise<T> {
    const url = method === 'GET' && body instanceof URLSearchParams ? `${this.base}/${path}?${body}` : `${this.base}/${path}`;
    let res: Response;
    try {
      res = await this.http(url, {
        method,
        headers: this.headers,
        // MLflow reads GET requests from the query string and every other method from a JSON body.
        body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timeout = (e as Error)?.name === 'TimeoutError';
      throw new ConnectorError('training', timeout ? 'TIMEOUT' : 'UNAVAILABLE', `MLflow ${path}: ${timeout ? `no answer within ${this.timeoutMs} ms` : 'unreachable'}`, { cause: e });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      let code = '';
      try {
        code = String((JSON.parse(text) as { error_code?: string }).error_code ?? '');
      } catch {
        /* not MLflow's JSON error: a proxy or a crash */
      }
      const kind = res.status === 404 || code === 'RESOURCE_DOES_NOT_EXIST' ? 'NOT_FOUND' : res.status === 400 ? 'BAD_REQUEST' : 'UNAVAILABLE';
      throw new ConnectorError('training', kind, `MLflow ${path}: HTTP ${res.status} ${code}`.trim(), { cause: text.slice(0, 500) });
    }
    try {
      return JSON.parse(text || '{}') as T;
    } catch (e) {
      throw new ConnectorError('training', 'UNAVAILABLE', `MLflow ${path}: the answer is not JSON`, { cause: e });
    }
  }

  private async experimentIndex(refresh = false) {
    if (!refresh && this.experiments && Date.now() - this.experiments.at < this.experimentCacheMs) return this.experiments;
    const byId = new Map<string, string>();
    const byName = new Map<string, string>();
    const projectOf = new Map<string, string>();
    let token: string | undefined;
    do {
      const r = await this.call<{ experiments?: { experiment_id: string; name: string; tags?: KV[] }[]; next_page_token?: string }>('POST', 'experiments/search', {
        max_results: EXP_PAGE_MAX,
        view_type: 'ACTIVE_ONLY',
        ...(token ? { page_token: token } : {}),
      });
      for (const e of r.experiments ?? []) {
        byId.set(e.experiment_id, e.name);
        byName.set(e.name, e.experiment_id);
        const project = e.tags?.find((t) => t.key === PROJECT_TAG)?.value;
        if (project) projectOf.set(e.experiment_id, project);
      }
      token = r.next_page_token || undefined;
    } while (token);
    this.experiments = { byId, byName, projectOf, at: Date.now() };
    return this.experiments;
  }

  /** One page of runs/search over the given experiments. */
  private async searchRuns(experimentIds: string[], filter: string, maxResults: number, offset = 0) {
    if (experimentIds.length === 0) return { runs: [] as MlflowRun[], hasNext: false };
    const r = await this.call<{ runs?: MlflowRun[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: experimentIds,
      filter,
      run_view_type: 'ACTIVE_ONLY',
      max_results: maxResults,
      // Newest first; MLflow appends run_uuid ASC as the tie-break, so pages are stable.
      order_by: ['attributes.start_time DESC'],
      ...(offset > 0 ? { page_token: mlflowToken(offset) } : {}),
    });
    return { runs: r.runs ?? [], hasNext: !!r.next_page_token };
  }

  private async searchVersions(filter: string, orderBy: string[], maxResults: number, offset = 0) {
    const q = new URLSearchParams({ max_results: String(maxResults) });
    if (filter) q.set('filter', filter);
    for (const o of orderBy) q.append('order_by', o);
    const token = mlflowToken(offset);
    if (token) q.set('page_token', token);
    const r = await this.call<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', q);
    return { versions: r.model_versions ?? [], hasNext: !!r.next_page_token };
  }

  /** Every version matching `filter`, in `orderBy` order (model versions are small rows). */
  private async allVersions(filter: string, orderBy: string[]): Promise<MlflowModelVersion[]> {
    const out: MlflowModelVersion[] = [];
    for (;;) {
      const page = await this.searchVersions(filter, orderBy, MV_PAGE_MAX, out.length);
      out.push(...page.versions);
      if (!page.hasNext || page.versions.length === 0) return out;
    }
  }

  // ---------------------------------------------------------------- mapping

  private toRun(r: MlflowRun, experimentName: string, projectId: string | null, modelName: string): TrainingRunModel {
    const tags = new Map((r.data?.tags ?? []).map((t) => [t.key, t.value]));
    const metrics: Record<string, number> = {};
    for (const m of r.data?.metrics ?? []) metrics[m.key] = Number(m.value);
    const params: Record<string, string> = {};
    for (const p of r.data?.params ?? []) params[p.key] = p.value;
    return {
      id: r.info.run_id,
      projectId,
      experiment: experimentName,
      modelName,
      status: status(r.info.status),
      user: r.info.user_id ?? '',
      startTime: iso(r.info.start_time),
      endTime: r.info.end_time ? iso(r.info.end_time) : null,
      codeVersion: tags.get(MLFLOW_TAGS.commit) ?? '',
      params,
      metrics,
      inputs: [...new Set((r.inputs?.dataset_inputs ?? []).map((d) => `${d.dataset.name}@${d.dataset.digest}`))],
    };
  }

  private toVersion(v: MlflowModelVersion, projectId: string | null, runMetrics: Record<string, number> | null): ModelVersionModel {
    const all = new Map((v.tags ?? []).map((t) => [t.key, t.value]));
    const tags: Record<string, string> = {};
    for (const [k, val] of all) if (k !== MLFLOW_TAGS.derivedFrom && !k.startsWith('mlops.') && !k.startsWith('mlflow.')) tags[k] = val;
    const imported = all.get(MLFLOW_TAGS.createdAt);
    return {
      id: `${v.name}/${v.version}`,
      projectId,
      name: v.name,
      version: Number(v.version),
      createdAt: imported && !Number.isNaN(Date.parse(imported)) ? new Date(imported).toISOString() : iso(v.creation_timestamp),
      description: v.description ? v.description : null,
      aliases: [...(v.aliases ?? [])].sort(),
      tags,
      runId: v.run_id ? v.run_id : null,
      metrics: runMetrics ?? {},
      derivedFrom: all.get(MLFLOW_TAGS.derivedFrom) || null,
      updatedAt: iso(v.last_updated_timestamp ?? v.creation_timestamp),
    };
  }

  /**
   * MLflow 3 logged models by id, chunked `model_id IN (...)` searches over the known
   * experiments: no request at all when no version came from a logged model.
   */
  private async loggedModels(ids: readonly string[]): Promise<Map<string, MlflowLoggedModel>> {
    const wanted = [...new Set(ids.filter(safe))];
    const found = new Map<string, MlflowLoggedModel>();
    if (wanted.length === 0) return found;
    const exps = await this.experimentIndex();
    for (const chunk of chunks(wanted, CHUNK)) {
      let pageToken: string | undefined;
      do {
        const res = await this.call<{ models?: MlflowLoggedModel[]; next_page_token?: string }>('POST', 'logged-models/search', {
          experiment_ids: [...exps.byId.keys()],
          // Single quotes: MLflow silently answers {} for double-quoted values here.
          filter: `model_id IN (${quote(chunk)})`,
          max_results: CHUNK,
          ...(pageToken ? { page_token: pageToken } : {}),
        });
        for (const m of res.models ?? []) found.set(m.info.model_id, m);
        pageToken = res.next_page_token || undefined;
      } while (pageToken);
    }
    return found;
  }

  /** Raw runs by id, chunked; a miss refreshes the experiment list once (a new experiment). */
  private async rawRuns(ids: readonly string[]): Promise<Map<string, MlflowRun>> {
    const wanted = [...new Set(ids.filter(safe))];
    const found = new Map<string, MlflowRun>();
    if (wanted.length === 0) return found;
    const fetchSome = async (some: string[], refresh: boolean) => {
      const exps = await this.experimentIndex(refresh);
      for (const chunk of chunks(some, CHUNK)) {
        const { runs } = await this.searchRuns([...exps.byId.keys()], `attributes.run_id IN (${quote(chunk)})`, RUN_PAGE_MAX);
        for (const r of runs) found.set(r.info.run_id, r);
      }
    };
    const cachedAt = this.experiments?.at;
    await fetchSome(wanted, false);
    const missing = wanted.filter((id) => !found.has(id));
    // A miss may be a run in an experiment created after the list was read: read it again, once.
    if (missing.length > 0 && cachedAt !== undefined && this.experiments?.at === cachedAt) await fetchSome(missing, true);
    return found;
  }

  /** Model versions produced by these runs (one chunked search). */
  private async rawVersionsByRuns(runIds: readonly string[]): Promise<MlflowModelVersion[]> {
    const ids = [...new Set(runIds.filter(safe))];
    const out: MlflowModelVersion[] = [];
    for (const chunk of chunks(ids, CHUNK)) out.push(...(await this.allVersions(`run_id IN (${quote(chunk)})`, [])));
    return out;
  }

  private async runsWithNames(ids: readonly string[], known?: Map<string, MlflowRun>): Promise<Map<string, TrainingRunModel>> {
    const [raw, versions] = await Promise.all([known ? Promise.resolve(known) : this.rawRuns(ids), this.rawVersionsByRuns(ids)]);
    let exps = await this.experimentIndex();
    if ([...raw.values()].some((r) => !exps.byId.has(r.info.experiment_id))) exps = await this.experimentIndex(true);
    // The registered model a run produced a version of (the first registered, if several).
    const modelOf = new Map<string, string>();
    for (const v of [...versions].sort((a, b) => Number(a.creation_timestamp) - Number(b.creation_timestamp))) {
      if (v.run_id && !modelOf.has(v.run_id)) modelOf.set(v.run_id, v.name);
    }
    const out = new Map<string, TrainingRunModel>();
    for (const [id, r] of raw) out.set(id, this.toRun(r, exps.byId.get(r.info.experiment_id) ?? '', exps.projectOf.get(r.info.experiment_id) ?? null, modelOf.get(id) ?? ''));
    return out;
  }

  /**
   * Aliases per version id and the project of each registered model (its `project` tag).
   * `model-versions/search` does not return aliases; `registered-models/search` does, for up to
   * 1,000 models a page. `names` null: every registered model.
   */
  private async registryOf(names: readonly string[] | null): Promise<{ aliases: Map<string, string[]>; projectOf: Map<string, string> }> {
    const aliases = new Map<string, string[]>();
    const projectOf = new Map<string, string>();
    const collect = async (filter: string) => {
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ max_results: '1000' });
        if (filter) q.set('filter', filter);
        if (token) q.set('page_token', token);
        const r = await this.call<{ registered_models?: { name: string; tags?: KV[]; aliases?: { alias: string; version: string }[] }[]; next_page_token?: string }>('GET', 'registered-models/search', q);
        for (const m of r.registered_models ?? []) {
          const project = m.tags?.find((t) => t.key === PROJECT_TAG)?.value;
          if (project) projectOf.set(m.name, project);
          for (const a of m.aliases ?? []) {
            const id = `${m.name}/${a.version}`;
            aliases.set(id, [...(aliases.get(id) ?? []), a.alias]);
          }
        }
        token = r.next_page_token || undefined;
      } while (token);
    };
    if (names === null) await collect('');
    else for (const chunk of chunks([...new Set(names)].filter(safe), CHUNK)) await collect(`name IN (${quote(chunk)})`);
    return { aliases, projectOf };
  }

  /** Attaches aliases and the source runs' metrics (two batched searches). */
  private async enrich(versions: readonly MlflowModelVersion[]): Promise<ModelVersionModel[]> {
    if (versions.length === 0) return [];
    const runIds = versions.map((v) => v.run_id).filter((r): r is string => !!r);
    const modelIds = versions.map(loggedModelOf).filter((m): m is string => !!m);
    const [runs, registry, models] = await Promise.all([
      runIds.length ? this.rawRuns(runIds) : Promise.resolve(new Map<string, MlflowRun>()),
      this.registryOf(versions.map((v) => v.name)),
      this.loggedModels(modelIds),
    ]);
    return versions.map((v) => {
      const r = v.run_id ? runs.get(v.run_id) : undefined;
      const model = models.get(loggedModelOf(v) ?? '');
      const metrics: Record<string, number> = {};
      for (const m of r?.data?.metrics ?? []) metrics[m.key] = Number(m.value);
      for (const [k, val] of latestMetrics(model?.data?.metrics ?? [])) metrics[k] = val;
      return this.toVersion({ ...v, aliases: registry.aliases.get(`${v.name}/${v.version}`) ?? [] }, registry.projectOf.get(v.name) ?? null, r || model ? metrics : null);
    });
  }

  // ---------------------------------------------------------------- TrainingConnector

  async getModelVersions(ids: readonly string[]): Promise<(ModelVersionModel | null)[]> {
    const parsed = ids.map(parseModelVersionId);
    const names = [...new Set(parsed.filter((p) => p !== null).map((p) => p.name))];
    const raw: MlflowModelVersion[] = [];
    // MLflow has no batch get of versions: `name IN (...)` returns every version of those models.
    for (const chunk of chunks(names, CHUNK)) raw.push(...(await this.allVersions(`name IN (${quote(chunk)})`, [])));
    const wanted = new Set(ids);
    const models = await this.enrich(raw.filter((v) => wanted.has(`${v.name}/${v.version}`)));
    const byId = new Map(models.map((m) => [m.id, m]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async getRuns(ids: readonly string[]): Promise<(TrainingRunModel | null)[]> {
    const runs = await this.runsWithNames(ids);
    return ids.map((id) => runs.get(id) ?? null);
  }

  async modelVersionsByRuns(runIds: readonly string[]): Promise<ModelVersionModel[][]> {
    const models = (await this.enrich(await this.rawVersionsByRuns(runIds))).sort(byCreatedDesc);
    return runIds.map((r) => models.filter((m) => m.runId === r));
  }

  async listModelVersions(filter: ModelVersionFilterInput, page: PageRequest): Promise<Page<ModelVersionModel>> {
    const clauses: string[] = [];
    if (filter.name) {
      if (!safe(filter.name)) return pageOf([], page);
      clauses.push(`name = '${filter.name}'`);
    }
    if (filter.tag) {
      if (!safe(filter.tag.key) || !safe(filter.tag.value)) return pageOf([], page);
      clauses.push(`tags.\`${filter.tag.key}\` = '${filter.tag.value}'`);
    }
    const where = clauses.join(' AND ');
    const order = ['creation_timestamp DESC', 'name ASC', 'version_number DESC'];
    if (filter.alias || filter.projectIds != null) {
      // MLflow cannot search versions by alias or by their model's tag: the registered models
      // list both; the (small) version rows are scanned and kept when they qualify.
      if (filter.projectIds?.length === 0) return pageOf([], page);
      const [rows, registry] = await Promise.all([this.allVersions(where, order), this.registryOf(filter.name ? [filter.name] : null)]);
      const scope = filter.projectIds == null ? null : new Set(filter.projectIds);
      const kept = rows.filter((v) => {
        if (filter.alias && !(registry.aliases.get(`${v.name}/${v.version}`) ?? []).includes(filter.alias)) return false;
        const project = registry.projectOf.get(v.name);
        return scope === null || (project !== undefined && scope.has(project));
      });
      const slice = pageOf(kept, page);
      return { ...slice, items: await this.enrich(slice.items) };
    }
    return this.pushedDownPage(where, order, page);
  }

  /**
   * One page straight from MLflow's search (its offset tokens, one per item). MLflow returns no
   * total, so a page that is not the last one costs one more search to count.
   */
  private async pushedDownPage(where: string, order: string[], page: PageRequest): Promise<Page<ModelVersionModel>> {
    const start = offsetOf(page);
    if (page.first === 0) {
      const total = (await this.allVersions(where, order)).length;
      return { items: [], tokens: [], totalCount: total, hasNextPage: start < total };
    }
    const { versions, hasNext } = await this.searchVersions(where, order, page.first, start);
    const [items, totalCount] = await Promise.all([
      this.enrich(versions),
      hasNext ? this.allVersions(where, order).then((all) => all.length) : Promise.resolve(start + versions.length),
    ]);
    return { items, tokens: items.map((_, i) => String(start + i + 1)), totalCount, hasNextPage: hasNext };
  }

  /**
   * The deprecation as MLflow records it: a `deprecated` version tag naming the replacement and,
   * with `removeAliases`, every alias that points at the version deleted. Idempotent: a tag that
   * already says so and aliases already gone are not written again, so a second call sends one
   * read and nothing else.
   */
  async markDeprecated(id: string, change: { replacementId: string; removeAliases: boolean; at: string }): Promise<boolean> {
    const parsed = parseModelVersionId(id);
    if (!parsed) return false;
    const name = parsed.name;
    const version = String(parsed.version);
    let mv: MlflowModelVersion;
    try {
      // model-versions/get, unlike the search, returns the version's aliases.
      mv = (await this.call<{ model_version: MlflowModelVersion }>('GET', 'model-versions/get', new URLSearchParams({ name, version }))).model_version;
    } catch (e) {
      if (e instanceof ConnectorError && e.kind === 'NOT_FOUND') return false;
      throw e;
    }
    let changed = false;
    if (mv.tags?.find((t) => t.key === DEPRECATED_TAG)?.value !== change.replacementId) {
      await this.call('POST', 'model-versions/set-tag', { name, version, key: DEPRECATED_TAG, value: change.replacementId });
      changed = true;
    }
    if (change.removeAliases) {
      for (const alias of mv.aliases ?? []) {
        try {
          // MLflow deletes an alias by name, whatever version it points at now: an alias moved to
          // another version since the read above would be lost, so it is read again just before.
          const now = await this.call<{ model_version: MlflowModelVersion }>('GET', 'registered-models/alias', new URLSearchParams({ name, alias }));
          if (now.model_version.version !== version) continue;
          await this.call('DELETE', 'registered-models/alias', { name, alias });
          changed = true;
        } catch (e) {
          // Already gone (another process ran the same change): the state wanted is reached.
          if (!(e instanceof ConnectorError && e.kind === 'NOT_FOUND')) throw e;
        }
      }
    }
    // Neither a tag nor an alias change moves MLflow's last_updated_timestamp, the sync's
    // watermark; an update of the version (its description, unchanged) does, so the sync sees it.
    if (changed) await this.call('PATCH', 'model-versions/update', { name, version, description: mv.description ?? '' });
    return true;
  }

  async changedModelVersions(since: string | null, page: PageRequest): Promise<Page<ModelVersionModel>> {
    // Oldest change first; MLflow cannot filter on last_updated_timestamp, only order by it.
    const asc = ['last_updated_timestamp ASC', 'name ASC', 'version_number ASC'];
    if (since === null) return this.pushedDownPage('', asc, page);
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new ConnectorError('training', 'BAD_REQUEST', `since is not a time: ${since}`);
    // Changes since a watermark are the head of the newest-first order: read it down to the watermark.
    const desc = ['last_updated_timestamp DESC', 'name DESC', 'version_number DESC'];
    const recent: MlflowModelVersion[] = [];
    const step = 1000;
    for (let offset = 0; ; offset += step) {
      const { versions, hasNext } = await this.searchVersions('', desc, step, offset);
      const newer = versions.filter((v) => Number(v.last_updated_timestamp) >= sinceMs);
      recent.push(...newer);
      if (!hasNext || newer.length < versions.length) break;
    }
    const slice = pageOf(recent.reverse(), page);
    return { ...slice, items: await this.enrich(slice.items) };
  }

  async listRuns(filter: TrainingRunFilterInput, page: PageRequest): Promise<Page<TrainingRunModel>> {
    const start = offsetOf(page);
    const empty = { items: [], tokens: [], totalCount: 0, hasNextPage: false };
    let exps = await this.experimentIndex();
    let experimentIds = [...exps.byId.keys()];
    if (filter.experiment) {
      if (!exps.byName.has(filter.experiment)) exps = await this.experimentIndex(true);
      const id = exps.byName.get(filter.experiment);
      if (!id) return empty;
      experimentIds = [id];
    }
    if (filter.projectIds != null) {
      // A run's project is its experiment's `project` tag: the scope narrows the experiments searched.
      const scope = new Set(filter.projectIds);
      experimentIds = experimentIds.filter((id) => scope.has(exps.projectOf.get(id) ?? ''));
      if (experimentIds.length === 0) return empty;
    }
    const clauses: string[] = [];
    // MLflow has five run states and no IN on status: the two folded into one are ruled out by AND.
    if (filter.status === 'FINISHED') clauses.push(`attributes.status = 'FINISHED'`);
    if (filter.status === 'FAILED') clauses.push(`attributes.status != 'FINISHED' AND attributes.status != 'RUNNING' AND attributes.status != 'SCHEDULED'`);
    if (filter.status === 'RUNNING') clauses.push(`attributes.status != 'FINISHED' AND attributes.status != 'FAILED' AND attributes.status != 'KILLED'`);
    if (filter.modelName) {
      if (!safe(filter.modelName)) return empty;
      // A run's model is the registered model it produced a version of.
      const runIds = [...new Set((await this.allVersions(`name = '${filter.modelName}'`, [])).map((v) => v.run_id).filter((r): r is string => !!r && safe(r)))];
      if (runIds.length === 0) return empty;
      clauses.push(`attributes.run_id IN (${quote(runIds)})`);
    }
    const where = clauses.join(' AND ');
    const count = async () => {
      let n = 0;
      for (;;) {
        const p = await this.searchRuns(experimentIds, where, RUN_PAGE_MAX, n);
        n += p.runs.length;
        if (!p.hasNext || p.runs.length === 0) return n;
      }
    };
    if (page.first === 0) {
      const total = await count();
      return { items: [], tokens: [], totalCount: total, hasNextPage: start < total };
    }
    const { runs, hasNext } = await this.searchRuns(experimentIds, where, page.first, start);
    const [named, totalCount] = await Promise.all([this.runsWithNames(runs.map((r) => r.info.run_id), new Map(runs.map((r) => [r.info.run_id, r]))), hasNext ? count() : Promise.resolve(start + runs.length)]);
    const items = runs.map((r) => named.get(r.info.run_id)).filter((r): r is TrainingRunModel => !!r);
    return { items, tokens: items.map((_, i) => String(start + i + 1)), totalCount, hasNextPage: hasNext };
  }
}
