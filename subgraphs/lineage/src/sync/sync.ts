/**
 * The pull sync: reads every platform through its connector, oldest change first from the
 * platform's watermark, and writes the graph in idempotent batches. Running it twice writes
 * the same graph; a change on a platform shows after the next run.
 */
import type { CatalogConnector } from '@mlops/connectors/catalog';
import type { InferenceConnector } from '@mlops/connectors/inference';
import type { ModelVersionModel, TrainingConnector } from '@mlops/connectors/training';
import type { Page, PageRequest } from '@mlops/kit';
import { REPLAN_AT, type GraphBatch, type LineageStore, type Platform, type ProjectModel } from '../store/types.ts';

export interface SyncSources {
  training: TrainingConnector;
  catalog: CatalogConnector;
  inference: InferenceConnector;
  /** Projects are the lineage subgraph's own configuration (owners, later release policy). */
  projects: () => Promise<ProjectModel[]>;
}

/** Project metadata (names, owners) comes from the scenario until a platform owns it. */
export const scenarioProjects = (scenario: { projects: readonly ProjectModel[] }) => async (): Promise<ProjectModel[]> =>
  scenario.projects.map((p) => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: p.owners }));

export interface SyncReport {
  platform: Platform;
  records: number;
  batches: number;
  watermark: string | null;
  /** Inference only: changes the platform found made behind the connector's back (reconcile). */
  outsideChanges?: number;
  /** Inference only: why reconciling failed (the rest of the pass still ran). */
  reconcileError?: string;
  /** Batches that ran into the write timeout and were split and written in halves. */
  timedOutSplits?: number;
}

export interface SyncOptions {
  /** Records per connector page and per graph write. */
  batchSize?: number;
  now?: () => string;
  /** A batch that times out is split in halves down to this many records (default 50). */
  minSplit?: number;
  /** Only these platforms (default: every one); a webhook asks for `['training']`. */
  only?: readonly Platform[];
  /** After a pass that wrote at least this many records, the store replans its writes (default 10,000). */
  replanAfter?: number;
}

/**
 * Walks a connector feed page by page from `since`; calls `onPage` for each non-empty page.
 * The next page is read while the current one is written, so a remote platform's latency
 * overlaps the graph write instead of adding to it.
 */
async function walk<T extends { updatedAt?: string; createdAt?: string }>(
  feed: (since: string | null, page: PageRequest) => Promise<Page<T>>,
  since: string | null,
  size: number,
  onPage: (items: T[]) => Promise<void>,
): Promise<{ records: number; batches: number; newest: string | null }> {
  let records = 0;
  let batches = 0;
  let newest = since;
  let next: Promise<Page<T>> | null = feed(since, { first: size, after: null });
  while (next) {
    const page: Page<T> = await next;
    const more = page.hasNextPage && page.items.length > 0;
    next = more ? feed(since, { first: size, after: page.tokens.at(-1)! }) : null;
    // A write that fails ends the walk; the read already under way must not surface as unhandled.
    next?.catch(() => undefined);
    if (page.items.length > 0) {
      await onPage(page.items);
      records += page.items.length;
      batches++;
      for (const it of page.items) {
        const t = it.updatedAt ?? it.createdAt ?? null;
        if (t && (newest === null || t > newest)) newest = t;
      }
    }
  }
  return { records, batches, newest };
}

/** One sync pass over every platform. Watermarks advance only after a platform's writes succeed. */
/** What a pass needs of a store: the bulk export (bulk-export.ts) passes an in-memory accumulator. */
export type SyncTarget = Pick<LineageStore, 'getWatermarks' | 'applyBatch' | 'setWatermark' | 'replanWrites'>;

export async function syncOnce(store: SyncTarget, src: SyncSources, opts: SyncOptions = {}): Promise<SyncReport[]> {
  const size = opts.batchSize ?? 2000;
  const now = opts.now ?? (() => new Date().toISOString());
  const fresh = await store.getWatermarks();
  const reports: SyncReport[] = [];
  const splits = new Map<Platform, number>();
  const onSplit = (p: Platform) => splits.set(p, (splits.get(p) ?? 0) + 1);
  const write = (source: Platform, parts: Omit<GraphBatch, 'source' | 'syncedAt'>) => writeSplitting(store, { source, syncedAt: now(), ...parts }, opts.minSplit ?? 50, onSplit);
  const wanted = (p: Platform) => !opts.only || opts.only.includes(p);

  // lineage's own configuration first, so targets find their project.
  if (wanted('lineage')) {
    const projects = await src.projects();
    await write('lineage', { projects });
    await store.setWatermark('lineage', null, now());
    reports.push({ platform: 'lineage', records: projects.length, batches: 1, watermark: null });
  }
  if (wanted('inference')) reports.push(await syncInference(store, src, fresh.get('inference') ?? null, size, write, now));
  if (wanted('catalog')) reports.push(await syncCatalog(store, src, fresh.get('catalog') ?? null, size, write, now));
  if (wanted('training')) {
    const tr = await walk((s, p) => src.training.changedModelVersions(s, p), fresh.get('training') ?? null, size, (items) => writeModelVersions(src.training, items, write));
    await store.setWatermark('training', tr.newest, now());
    reports.push({ platform: 'training', records: tr.records, batches: tr.batches, watermark: tr.newest });
  }
  // The sync loop logs the reports: a split says the database is slower than the write limit.
  for (const r of reports) if (splits.get(r.platform)) r.timedOutSplits = splits.get(r.platform);
  // A pass this large (a first load) moved the graph's statistics far from those Neo4j planned
  // the write statements with, so it would replan all seven at their next use: 120-220 ms each
  // on a 10,000-target graph, most of the first incremental pass after a load (1.1 s for 100
  // changed deployments; the next pass 0.3-0.5 s). Planning them here, with the statistics the
  // next passes will see, puts that second at the end of the load that caused it.
  if (store.replanWrites && reports.reduce((n, r) => n + r.records, 0) >= (opts.replanAfter ?? REPLAN_AT)) await store.replanWrites();
  return reports;
}

type Write = (source: Platform, parts: Omit<GraphBatch, 'source' | 'syncedAt'>) => Promise<void>;

const isTimeout = (e: unknown) => (e as { extensions?: { reason?: string } })?.extensions?.reason === 'TIMEOUT';

/**
 * Writes a batch; one that runs into the write timeout is split in two and each half written on
 * its own, down to `minSplit` records, before the error is given up. The write transaction was
 * rolled back, and every statement is a MERGE, so a half written again is the same graph. Why:
 * a page that needs more than the write limit would otherwise be retried every pass and never
 * end. The case that made this (a 10,000-target first load's fleet-rollout page, 3 of 7 runs)
 * was a plan through a relationship index, dropped by migration 0007; this stays as the net.
 * A half carries only the datasets and runs its own records refer to.
 */
async function writeSplitting(store: SyncTarget, b: GraphBatch, minSplit: number, onSplit: (p: Platform) => void): Promise<void> {
  try {
    await store.applyBatch(b);
  } catch (e) {
    const halves = isTimeout(e) ? splitBatch(b, minSplit) : null;
    if (!halves) throw e;
    onSplit(b.source);
    for (const h of halves) await writeSplitting(store, h, minSplit, onSplit);
  }
}

function splitBatch(b: GraphBatch, minSplit: number): [GraphBatch, GraphBatch] | null {
  const half = <T>(xs: readonly T[]): [T[], T[]] => [xs.slice(0, xs.length >> 1), xs.slice(xs.length >> 1)];
  for (const key of ['deployments', 'targets', 'datasetVersions', 'modelVersions', 'projects'] as const) {
    const xs = b[key] as readonly unknown[] | undefined;
    if (!xs || xs.length < 2 * minSplit) continue;
    const [a, c] = half(xs);
    const part = (rows: unknown[]): GraphBatch => {
      const out: GraphBatch = { ...b, [key]: rows };
      if (key === 'datasetVersions' && b.datasets) {
        const ids = new Set((rows as NonNullable<GraphBatch['datasetVersions']>).map((v) => v.datasetId));
        out.datasets = b.datasets.filter((d) => ids.has(d.id));
      }
      if (key === 'modelVersions' && b.runs) {
        const ids = new Set((rows as NonNullable<GraphBatch['modelVersions']>).map((m) => m.runId));
        out.runs = b.runs.filter((r) => ids.has(r.id));
      }
      return out;
    };
    return [part(a), part(c)];
  }
  return null;
}

async function syncInference(store: SyncTarget, src: SyncSources, since: string | null, size: number, write: Write, now: () => string): Promise<SyncReport> {
  // First, so a version unloaded by hand is closed in the ledger and its deployment comes through
  // the feed below in this same pass. A server that does not answer must not stop the pass: what
  // the ledger already holds is still the best record, and the next pass tries again.
  let reconciled: Pick<SyncReport, 'outsideChanges' | 'reconcileError'> = {};
  if (typeof src.inference.reconcile === 'function') {
    try {
      reconciled = { outsideChanges: (await src.inference.reconcile()).length };
    } catch (e) {
      reconciled = { reconcileError: (e as Error).message };
    }
  }
  const inf = await walk((s, p) => src.inference.changedTargets(s, p), since, size, (items) =>
    write('inference', { targets: items.map(({ updatedAt: _u, ...t }) => t) }),
  );
  const deps = await walk((s, p) => src.inference.changedDeployments(s, p), since, size, (items) =>
    write('inference', {
      deployments: items.map((d) => ({
        id: d.id,
        targetId: d.targetId,
        modelVersionId: d.modelVersionId,
        from: d.since,
        to: d.until,
        trafficPercent: d.trafficPercent,
        state: d.state,
      })),
    }),
  );
  const infMark = [inf.newest, deps.newest].filter((x): x is string => !!x).sort().at(-1) ?? null;
  await store.setWatermark('inference', infMark, now());
  return { platform: 'inference', records: inf.records + deps.records, batches: inf.batches + deps.batches, watermark: infMark, ...reconciled };
}

async function syncCatalog(store: SyncTarget, src: SyncSources, since: string | null, size: number, write: Write, now: () => string): Promise<SyncReport> {
  const cat = await walk((s, p) => src.catalog.changedDatasetVersions(s, p), since, size, async (items) => {
    const datasetIds = [...new Set(items.map((v) => v.datasetId))];
    const datasets = (await src.catalog.getDatasets(datasetIds)).filter((d) => d !== null);
    await write('catalog', {
      datasets: datasets.map((d) => ({ id: d.id, name: d.name, kind: d.kind, owner: d.owner })),
      datasetVersions: items.map((v) => ({ id: v.id, datasetId: v.datasetId, version: v.version, uri: v.uri, owner: v.owner, createdAt: v.createdAt, derivedFrom: v.derivedFrom })),
    });
  });
  await store.setWatermark('catalog', cat.newest, now());
  return { platform: 'catalog', records: cat.records, batches: cat.batches, watermark: cat.newest };
}

/** Writes model versions and the runs that produced them (with the runs' dataset inputs). */
async function writeModelVersions(training: TrainingConnector, items: readonly ModelVersionModel[], write: Write): Promise<void> {
  const runIds = [...new Set(items.map((m) => m.runId).filter((r): r is string => !!r))];
  const runs = (await training.getRuns(runIds)).filter((r) => r !== null);
  await write('training', {
    runs: runs.map((r) => ({ id: r.id, experiment: r.experiment, startTime: r.startTime, inputs: r.inputs })),
    modelVersions: items.map((m) => ({
      id: m.id,
      name: m.name,
      version: m.version,
      createdAt: m.createdAt,
      runId: m.runId,
      projectId: m.tags.project ?? null,
      derivedFrom: m.derivedFrom,
    })),
  });
}

/**
 * Re-reads these model versions from the training platform by id and writes them (a webhook
 * named them). Needed beside the watermark feed: MLflow bumps `last_updated_timestamp` on a new
 * version or a description change, but not when a tag is set or an alias moves. Unknown ids are
 * skipped. Does not move the watermark.
 */
export async function refreshModelVersions(store: LineageStore, training: TrainingConnector, ids: readonly string[], now: () => string = () => new Date().toISOString()): Promise<number> {
  if (ids.length === 0) return 0;
  const found = (await training.getModelVersions([...new Set(ids)])).filter((m): m is ModelVersionModel => m !== null);
  if (found.length) await writeModelVersions(training, found, (source, parts) => store.applyBatch({ source, syncedAt: now(), ...parts }));
  return found.length;
}
