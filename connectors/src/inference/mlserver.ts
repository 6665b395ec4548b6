/**
 * The serving platform over a real MLServer (Seldon, V2 / Open Inference Protocol): one MLServer
 * model per release target, one MLServer version per registered model version.
 *
 * MLServer keeps no history and cannot split one endpoint's traffic, so:
 * - the connector keeps a durable ledger of what it changed (a JSON file, written atomically),
 *   and `reconcile()` compares it with the server (`POST /v2/repository/index` and each served
 *   version's readiness): a version unloaded behind its back is closed in the ledger and
 *   recorded as a change made outside the connector;
 * - what a target's endpoint serves is the ledger's ACTIVE deployment, whose `endpoint` is the
 *   versioned inference path (`/v2/models/{name}/versions/{v}/infer`; `endpointOf()` resolves
 *   it). MLServer's unversioned default is NOT used: it is always the highest version and is
 *   registered before it has loaded, which is the trap issue 10 measured (2,680 of 10,427
 *   requests failed). So a hot swap is: put the new version on disk beside the old one, load
 *   (MLServer reloads the old one rolling: the new instance is loaded before the old is dropped),
 *   wait until the new version is READY and answers an inference, switch the ledger, wait
 *   `drainMs` for requests already routed to the old version, then remove the old version from
 *   disk and load again (which unloads it). ROLLBACK is the same move backwards.
 * - CANARY (and PROMOTION, which ends a canary) are refused up front with a payload error.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { badInput, codeUnitOrder, ConnectorError, groupBy, pageOf, type PageRequest } from '@mlops/kit';
import { deploymentFilter } from './filter.ts';
import type { DeployRequest, DeploymentFilterInput, DeploymentModel, DeploymentStrategy, InferenceConnector, TargetModel } from './types.ts';

export interface MlserverInferenceOptions {
  /** MLServer's HTTP base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The server's model repository root (shared filesystem): versions are written here. */
  modelRepository: string;
  /** Directory of the durable ledger (`mlserver-ledger.json`). */
  ledgerDir: string;
  /** The release targets the platform serves (labels, projects). */
  targets: readonly TargetModel[];
  /** Registered model versions the platform may serve: id → project. */
  modelVersions: ReadonlyMap<string, string>;
  /** Explicit MLServer model name per target; otherwise `modelNameOf(targetId)`. */
  models?: Readonly<Record<string, string>>;
  /** MLServer `implementation` written into model-settings.json. */
  implementation?: string;
  /** Wait after the switch before the old version is unloaded (requests already routed to it). Default 500 ms. */
  drainMs?: number;
  /** Per HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** How long a loaded version may take to become READY and answer. Default 60 s. */
  readyTimeoutMs?: number;
  clock?: () => string;
  fetch?: typeof fetch;
}

/** A change the connector found on the server that it did not make. */
export interface OutsideChange {
  at: string;
  kind: 'UNLOADED_OUTSIDE_CONNECTOR';
  targetId: string;
  modelVersionId: string;
  deploymentId: string;
  detail: string;
}

interface Ledger {
  format: 1;
  deployments: DeploymentModel[];
  outsideChanges: OutsideChange[];
}

const PLATFORM = 'mlserver';
export const MLSERVER_STRATEGIES: readonly DeploymentStrategy[] = ['HOT_SWAP', 'ROLLBACK'];

/** Deterministic MLServer model name of a release target: path-safe, readable. */
export const modelNameOf = (targetId: string) => targetId.replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '-');

/** MLServer version string of a registered model version id: reversible, path- and URL-safe. */
export const mlserverVersionOf = (modelVersionId: string) =>
  modelVersionId.replace(/[^A-Za-z0-9._-]/g, (c) => `~${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
export const modelVersionIdOf = (mlserverVersion: string) => mlserverVersion.replace(/~([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

const newestFirst = (a: DeploymentModel, b: DeploymentModel) => b.since.localeCompare(a.since) || b.id.localeCompare(a.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class MlserverInferenceConnector implements InferenceConnector {
  readonly platform = 'inference';
  readonly supportedStrategies = MLSERVER_STRATEGIES;
  private readonly o: Required<Omit<MlserverInferenceOptions, 'models' | 'fetch' | 'clock'>> & Pick<MlserverInferenceOptions, 'models'>;
  private readonly fetch: typeof fetch;
  private readonly clock: () => string;
  private readonly ledgerFile: string;
  private cached: Ledger = { format: 1, deployments: [], outsideChanges: [] };
  /** Identity of the ledger file last read (inode:mtime): every write renames a new file in. */
  private cachedStamp = '';
  private readonly targets: TargetModel[];
  private readonly targetById: Map<string, TargetModel>;
  /** Deploys and reconciliations run one at a time: each reads and rewrites the ledger. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: MlserverInferenceOptions) {
    this.o = {
      url: opts.url.replace(/\/+$/, ''),
      modelRepository: opts.modelRepository,
      ledgerDir: opts.ledgerDir,
      targets: opts.targets,
      modelVersions: opts.modelVersions,
      models: opts.models,
      implementation: opts.implementation ?? 'version_model.VersionModel',
      drainMs: opts.drainMs ?? 500,
      timeoutMs: opts.timeoutMs ?? 10_000,
      readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
    };
    this.fetch = opts.fetch ?? fetch;
    this.clock = opts.clock ?? (() => new Date().toISOString());
    this.targets = [...opts.targets].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    this.targetById = new Map(this.targets.map((t) => [t.id, t]));
    mkdirSync(this.o.ledgerDir, { recursive: true });
    this.ledgerFile = path.join(this.o.ledgerDir, 'mlserver-ledger.json');
  }

  // ---- reads (the ledger) ----

  /**
   * The ledger as on disk: re-read when the file changed, so the processes of one deployment
   * (the inference subgraph reading, the release workflow deploying) see one history.
   */
  private get ledger(): Ledger {
    const st = statSync(this.ledgerFile, { throwIfNoEntry: false });
    const stamp = st ? `${st.ino}:${st.mtimeMs}:${st.size}` : '';
    if (stamp !== this.cachedStamp) {
      this.cached = st ? (JSON.parse(readFileSync(this.ledgerFile, 'utf8')) as Ledger) : { format: 1, deployments: [], outsideChanges: [] };
      this.cachedStamp = stamp;
    }
    return this.cached;
  }

  private all(): DeploymentModel[] {
    return [...this.ledger.deployments].sort(newestFirst);
  }

  async getDeployments(ids: readonly string[]) {
    const byId = new Map(this.ledger.deployments.map((d) => [d.id, d]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async deploymentsByTargets(targetIds: readonly string[]) {
    const g = groupBy(this.all(), (d) => d.targetId);
    return targetIds.map((id) => g.get(id) ?? []);
  }

  async deploymentsByModelVersions(ids: readonly string[]) {
    const g = groupBy(this.all(), (d) => d.modelVersionId);
    return ids.map((id) => g.get(id) ?? []);
  }

  async listDeployments(f: DeploymentFilterInput, page: PageRequest) {
    const rows = this.all().filter(deploymentFilter(f));
    return pageOf(rows, page);
  }

  async changedDeployments(since: string | null, page: PageRequest) {
    const rows = this.ledger.deployments
      .filter((d) => since === null || d.updatedAt >= since)
      .sort((a, b) => codeUnitOrder(a.updatedAt, b.updatedAt) || codeUnitOrder(a.id, b.id));
    return pageOf(rows, page);
  }

  async changedTargets(since: string | null, page: PageRequest) {
    return pageOf(since === null ? this.targets : this.targets.filter((t) => t.updatedAt >= since), page);
  }

  async projectsOfTargets(ids: readonly string[]) {
    return ids.map((id) => this.targetById.get(id)?.projectId ?? null);
  }

  async projectsOfModelVersions(ids: readonly string[]) {
    return ids.map((id) => this.o.modelVersions.get(id) ?? null);
  }

  /** The MLServer model name of a release target. */
  modelNameOf(targetId: string): string {
    return this.o.models?.[targetId] ?? modelNameOf(targetId);
  }

  /** The versioned inference URL the target's endpoint serves now (the ledger's ACTIVE deployment), or null. */
  endpointOf(targetId: string): string | null {
    return this.ledger.deployments.find((d) => d.targetId === targetId && d.until === null)?.endpoint ?? null;
  }

  /** Changes found on the server that the connector did not make, oldest first. */
  outsideChanges(): readonly OutsideChange[] {
    return this.ledger.outsideChanges;
  }

  // ---- writes ----

  async deploy(req: DeployRequest): Promise<DeploymentModel[]> {
    // Refused before anything queues or touches the server.
    if (!MLSERVER_STRATEGIES.includes(req.strategy)) {
      throw badInput(
        'strategy',
        `the inference platform (MLServer) cannot do ${req.strategy}: it serves one version per endpoint and cannot split traffic; it supports ${MLSERVER_STRATEGIES.join(', ')}`,
      );
    }
    if (!this.targetById.has(req.targetId)) throw badInput('targetId', `unknown release target ${JSON.stringify(req.targetId)}`);
    if (!this.o.modelVersions.has(req.modelVersionId)) throw badInput('modelVersionId', `unknown model version ${JSON.stringify(req.modelVersionId)}`);
    return this.serialised(() => this.swap(req));
  }

  private serialised<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private serving(targetId: string) {
    return this.ledger.deployments.filter((d) => d.targetId === targetId && d.until === null);
  }

  private async swap(req: DeployRequest): Promise<DeploymentModel[]> {
    const name = this.modelNameOf(req.targetId);
    const version = mlserverVersionOf(req.modelVersionId);
    const serving = this.serving(req.targetId);
    if (serving.length === 1 && serving[0]!.modelVersionId === req.modelVersionId) return serving;

    // 1. The new version beside the old one, then load: the old one keeps answering.
    if (!existsSync(this.o.modelRepository)) throw new ConnectorError(PLATFORM, 'UNAVAILABLE', 'the MLServer model repository directory is missing');
    const modelDirExisted = existsSync(path.join(this.o.modelRepository, name));
    this.writeVersion(name, version, req.modelVersionId);
    try {
      await this.post(`/v2/repository/models/${encodeURIComponent(name)}/load`);
      await this.waitAnswering(name, version, req.modelVersionId);
    } catch (e) {
      // Nothing was switched: take the new version off the server again (best effort).
      if (!serving.some((d) => mlserverVersionOf(d.modelVersionId) === version)) {
        rmSync(modelDirExisted ? this.versionDir(name, version) : path.join(this.o.modelRepository, name), { recursive: true, force: true });
        await this.post(`/v2/repository/models/${encodeURIComponent(name)}/load`).catch(() => undefined);
      }
      throw e;
    }

    // 2. Switch: one atomic ledger write.
    const at = req.at ?? this.clock();
    const seq = this.ledger.deployments.filter((d) => d.targetId === req.targetId).length + 1;
    const next: Ledger = structuredClone(this.ledger);
    for (const d of next.deployments) {
      if (d.targetId === req.targetId && d.until === null) {
        d.until = at;
        d.updatedAt = at;
        d.state = req.strategy === 'ROLLBACK' ? 'ROLLED_BACK' : 'RETIRED';
      }
    }
    const opened: DeploymentModel = {
      id: `${req.targetId}#${seq}`,
      projectId: this.targetById.get(req.targetId)?.projectId ?? null,
      targetId: req.targetId,
      modelVersionId: req.modelVersionId,
      trafficPercent: 100,
      state: 'ACTIVE',
      strategy: req.strategy,
      since: at,
      until: null,
      endpoint: `${this.o.url}/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/infer`,
      updatedAt: at,
    };
    next.deployments.push(opened);
    this.saveLedger(next);

    // 3. Drain, then retire the old version(s).
    const old = serving.map((d) => mlserverVersionOf(d.modelVersionId)).filter((v) => v !== version);
    if (old.length > 0) {
      await sleep(this.o.drainMs);
      for (const v of old) rmSync(this.versionDir(name, v), { recursive: true, force: true });
      await this.post(`/v2/repository/models/${encodeURIComponent(name)}/load`);
    }
    return this.serving(req.targetId);
  }

  /**
   * Compares the ledger with the server: every ACTIVE deployment's version must be loaded and
   * READY. One that is not was unloaded behind the connector's back: its deployment is closed
   * (RETIRED at the time it was found) and an outside change recorded. Returns the new ones.
   */
  reconcile(): Promise<OutsideChange[]> {
    return this.serialised(async () => {
      const index = (await this.post('/v2/repository/index', { ready: false })) as { name: string; version?: string; state: string }[];
      const onDisk = new Set(index.map((i) => `${i.name}\u0000${i.version ?? ''}`));
      const found: OutsideChange[] = [];
      const next: Ledger = structuredClone(this.ledger);
      const at = this.clock();
      for (const d of next.deployments) {
        if (d.until !== null) continue;
        const name = this.modelNameOf(d.targetId);
        const version = mlserverVersionOf(d.modelVersionId);
        const ready = await this.isReady(name, version);
        if (ready) continue;
        const disk = onDisk.has(`${name}\u0000${version}`);
        d.until = at;
        d.updatedAt = at;
        d.state = 'RETIRED';
        const change: OutsideChange = {
          at,
          kind: 'UNLOADED_OUTSIDE_CONNECTOR',
          targetId: d.targetId,
          modelVersionId: d.modelVersionId,
          deploymentId: d.id,
          detail: `MLServer model ${name} version ${version} is not loaded (${disk ? 'still in the model repository' : 'gone from the model repository'})`,
        };
        next.outsideChanges.push(change);
        found.push(change);
      }
      if (found.length > 0) this.saveLedger(next);
      return found;
    });
  }

  // ---- plumbing ----

  private versionDir(name: string, version: string) {
    return path.join(this.o.modelRepository, name, version);
  }

  private writeVersion(name: string, version: string, modelVersionId: string) {
    const dir = this.versionDir(name, version);
    mkdirSync(dir, { recursive: true });
    const settings = { name, implementation: this.o.implementation, parameters: { version, extra: { modelVersionId } } };
    // Written under another name and renamed: the server never reads half a file.
    const tmp = path.join(dir, `.model-settings.${randomBytes(4).toString('hex')}.tmp`);
    writeFileSync(tmp, JSON.stringify(settings, null, 2));
    renameSync(tmp, path.join(dir, 'model-settings.json'));
  }

  private saveLedger(next: Ledger) {
    const tmp = `${this.ledgerFile}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 1));
    renameSync(tmp, this.ledgerFile);
    this.cached = next;
    const st = statSync(this.ledgerFile);
    this.cachedStamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
  }

  private async request(pathname: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(`${this.o.url}${pathname}`, { ...init, signal: AbortSignal.timeout(this.o.timeoutMs) });
    } catch (e) {
      const timeout = e instanceof Error && e.name === 'TimeoutError';
      throw new ConnectorError(PLATFORM, timeout ? 'TIMEOUT' : 'UNAVAILABLE', `MLServer ${timeout ? 'timed out' : 'is unreachable'} (${pathname})`, { cause: e });
    }
  }

  private async post(pathname: string, body: unknown = {}): Promise<unknown> {
    const r = await this.request(pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new ConnectorError(PLATFORM, r.status === 404 ? 'NOT_FOUND' : r.status < 500 ? 'BAD_REQUEST' : 'UNAVAILABLE', `MLServer ${pathname} answered ${r.status}`, { cause: text.slice(0, 500) });
    return text ? JSON.parse(text) : null;
  }

  private async isReady(name: string, version: string): Promise<boolean> {
    const r = await this.request(`/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/ready`, { method: 'GET' });
    await r.arrayBuffer();
    return r.status === 200;
  }

  /** READY, then one inference answered by that very version. */
  private async waitAnswering(name: string, version: string, modelVersionId: string) {
    const deadline = Date.now() + this.o.readyTimeoutMs;
    while (!(await this.isReady(name, version))) {
      if (Date.now() > deadline) throw new ConnectorError(PLATFORM, 'TIMEOUT', `MLServer model ${name} version ${version} not READY after ${this.o.readyTimeoutMs} ms`);
      await sleep(100);
    }
    const probe = { inputs: [{ name: 'probe', shape: [1], datatype: 'FP32', data: [0] }] };
    const res = (await this.post(`/v2/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/infer`, probe)) as { model_version?: string };
    if (res?.model_version !== version) {
      throw new ConnectorError(PLATFORM, 'BAD_REQUEST', `MLServer model ${name} version ${version} answered as version ${JSON.stringify(res?.model_version)}`);
    }
    void modelVersionId;
  }
}
