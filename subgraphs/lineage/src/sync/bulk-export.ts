/**
 * The first load of the lineage graph by Neo4j's offline bulk importer (issue 11, goal 4).
 *
 * A transactional full sync is bound by Neo4j's CPU for MERGE (about 7 k relationships/s at
 * 10,000 targets on two cores, see BENCHMARKS.md); `neo4j-admin database import full` writes
 * the store files directly and needs no lookups. This module produces its input from the very
 * same sync: `syncOnce` runs over a GraphAccumulator instead of a store, so the platforms are
 * read page by page through the same connectors, mappings and watermarks, and the accumulator
 * applies each batch with the semantics of the Cypher in ../cypher/writes.ts (MERGE on the key,
 * SET of the listed properties, a null removes the property, referenced nodes created bare with
 * only their key and :Entity, relationships merged). The CSV files and `import.args` it writes
 * are what `NEO4J_IMPORT_DIR=<dir> bash neo4j/server.sh start` (or `neo4j-admin database import
 * full neo4j` in any Neo4j 5 installation) loads. The SyncState nodes carry the watermarks, so
 * the lineage subgraph's sync loop goes on incrementally from where the export read. The
 * schema (constraints, indexes) is not part of the import: the store's migrations create it on
 * the first connection, as for an empty database.
 *
 * One thing the importer cannot store is an empty list (an empty array cell means "no
 * property"). The graph's only list property is a project's `owners`, and the lineage subgraph
 * rewrites every project on each pass, including the one it runs when it starts; until then a
 * project without owners has no `owners` property.
 *
 * test/integration/lineage-bulk-import.int.test.ts proves that an imported graph and a synced
 * graph of the same platforms are the same nodes, labels, properties (with their types) and
 * relationships, before and after an incremental pass.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { GraphBatch, LineageStore, Platform } from '../store/types.ts';
import { syncOnce, type SyncOptions, type SyncReport, type SyncSources } from './sync.ts';

type Value = string | number | boolean | string[];
type Props = Record<string, Value>;

/** Labels as writes.ts MERGEs them; every one also carries :Entity. */
const LABELS = ['Project', 'ReleaseTarget', 'Dataset', 'DatasetVersion', 'TrainingRun', 'ModelVersion'] as const;
type Label = (typeof LABELS)[number];

interface Rel {
  type: string;
  from: Label;
  to: Label;
  start: string;
  end: string;
  props: Props;
}

/** The array delimiter in the CSV (unit separator): an id or owner containing it is refused. */
const ARRAY_DELIMITER = '\u001f';

/**
 * An in-memory LineageStore for the sync's writes only. Mirrors ../cypher/writes.ts; a change
 * there that this does not follow fails the equivalence test.
 */
export class GraphAccumulator implements Pick<LineageStore, 'getWatermarks' | 'applyBatch' | 'setWatermark'> {
  readonly nodes = new Map<Label, Map<string, Props>>(LABELS.map((l) => [l, new Map()]));
  readonly rels = new Map<string, Rel>();
  readonly watermarks = new Map<Platform, { watermark: string | null; lastSyncAt: string }>();
  /** A target's project, to drop its IN_PROJECT when it moves (no scan of every relationship). */
  private readonly inProject = new Map<string, string>();

  async getWatermarks(): Promise<Map<Platform, string | null>> {
    return new Map([...this.watermarks].map(([p, w]) => [p, w.watermark]));
  }

  async setWatermark(platform: Platform, watermark: string | null, syncedAt: string): Promise<void> {
    this.watermarks.set(platform, { watermark, lastSyncAt: syncedAt });
  }

  /** MERGE (n:label {id}) [SET …]: creates the bare node if missing, then sets (null removes). */
  private merge(label: Label, id: string, set?: Record<string, unknown>): void {
    if (typeof id !== 'string' || id === '') throw new Error(`${label}: an id must be a non-empty string (got ${JSON.stringify(id)})`);
    const m = this.nodes.get(label)!;
    let n = m.get(id);
    if (!n) m.set(id, (n = {}));
    if (set) for (const [k, v] of Object.entries(set)) setProp(n, `${label}.${k}`, k, v);
  }

  private rel(type: string, from: Label, start: string, to: Label, end: string, key = '', set?: Record<string, unknown>): void {
    const id = `${type}\u0000${start}\u0000${end}\u0000${key}`;
    let r = this.rels.get(id);
    if (!r) this.rels.set(id, (r = { type, from, to, start, end, props: key ? { deploymentId: key } : {} }));
    if (set) for (const [k, v] of Object.entries(set)) setProp(r.props, `${type}.${k}`, k, v);
  }

  async applyBatch(b: GraphBatch): Promise<void> {
    const meta = { source: b.source, syncedAt: b.syncedAt };
    for (const p of b.projects ?? []) this.merge('Project', p.id, { name: p.name, description: p.description, plant: p.plant, owners: p.owners, ...meta });
    for (const t of b.targets ?? []) {
      this.merge('ReleaseTarget', t.id, { name: t.name, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment, ...meta });
      this.merge('Project', t.projectId);
      // MERGE (t)-[:IN_PROJECT]->(p), then DELETE the target's IN_PROJECT to any other project.
      const moved = this.inProject.get(t.id);
      if (moved !== undefined && moved !== t.projectId) this.rels.delete(`IN_PROJECT\u0000${t.id}\u0000${moved}\u0000`);
      this.inProject.set(t.id, t.projectId);
      this.rel('IN_PROJECT', 'ReleaseTarget', t.id, 'Project', t.projectId);
    }
    for (const d of b.datasets ?? []) this.merge('Dataset', d.id, { name: d.name, kind: d.kind, owner: d.owner, ...meta });
    for (const v of b.datasetVersions ?? []) {
      this.merge('DatasetVersion', v.id, { datasetId: v.datasetId, version: v.version, uri: v.uri, owner: v.owner, createdAt: v.createdAt, ...meta });
      this.merge('Dataset', v.datasetId);
      this.rel('VERSION_OF', 'DatasetVersion', v.id, 'Dataset', v.datasetId);
      for (const up of v.derivedFrom ?? []) {
        this.merge('DatasetVersion', up);
        this.rel('DERIVED_FROM', 'DatasetVersion', v.id, 'DatasetVersion', up);
      }
    }
    for (const r of b.runs ?? []) {
      this.merge('TrainingRun', r.id, { experiment: r.experiment, startTime: r.startTime, ...meta });
      for (const input of r.inputs ?? []) {
        this.merge('DatasetVersion', input);
        this.rel('CONSUMED', 'TrainingRun', r.id, 'DatasetVersion', input);
      }
    }
    for (const m of b.modelVersions ?? []) {
      this.merge('ModelVersion', m.id, { name: m.name, version: m.version, createdAt: m.createdAt, projectId: m.projectId, ...meta });
      if (m.runId != null) {
        this.merge('TrainingRun', m.runId);
        this.rel('PRODUCED', 'TrainingRun', m.runId, 'ModelVersion', m.id);
      }
      if (m.derivedFrom != null) {
        this.merge('ModelVersion', m.derivedFrom);
        this.rel('DERIVED_FROM', 'ModelVersion', m.id, 'ModelVersion', m.derivedFrom);
      }
    }
    for (const d of b.deployments ?? []) {
      this.merge('ModelVersion', d.modelVersionId);
      this.merge('ReleaseTarget', d.targetId);
      if (typeof d.id !== 'string' || d.id === '') throw new Error(`DEPLOYED_TO: a deployment id must be a non-empty string (got ${JSON.stringify(d.id)})`);
      this.rel('DEPLOYED_TO', 'ModelVersion', d.modelVersionId, 'ReleaseTarget', d.targetId, d.id, { from: d.from, to: d.to, trafficPercent: d.trafficPercent, state: d.state, ...meta });
    }
  }

  get counts(): { nodes: number; relationships: number } {
    let nodes = this.watermarks.size;
    for (const m of this.nodes.values()) nodes += m.size;
    return { nodes, relationships: this.rels.size };
  }
}

/** SET n.k = v as Cypher does it with a driver parameter: null/undefined removes the property. */
function setProp(into: Props, where: string, k: string, v: unknown): void {
  if (v === null || v === undefined) {
    delete into[k];
    return;
  }
  if (typeof v === 'string' || typeof v === 'boolean') into[k] = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${where}: not a finite number (${v})`);
    into[k] = v;
  } else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) into[k] = [...v];
  else throw new Error(`${where}: a value the bulk export cannot write (${JSON.stringify(v)}); only strings, numbers, booleans and string lists`);
}

/* ---------------------------------------------------------------- CSV */

/**
 * neo4j-admin's type of one value, as the store's executor sends it: a safe integer becomes a
 * Neo4j integer (executor.ts toNeo4j), any other number a float.
 */
function typeOf(v: Value): string {
  if (Array.isArray(v)) return 'string[]';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'long' : 'double';
  return typeof v === 'boolean' ? 'boolean' : 'string';
}

function cell(where: string, v: Value): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.some((x) => x.includes(ARRAY_DELIMITER))) throw new Error(`${where}: a list element contains U+001F, the export's array delimiter`);
    return quote(v.join(ARRAY_DELIMITER));
  }
  return quote(v);
}

/**
 * Rows grouped by their exact set of typed properties, one file per group: a CSV column has one
 * type and an empty cell means "no property", so grouping keeps absent properties absent and an
 * integer an integer even where another row of the label holds a float there.
 */
function bySignature<T>(items: Iterable<T>, props: (t: T) => Props): Map<string, { columns: [string, string][]; items: T[] }> {
  const groups = new Map<string, { columns: [string, string][]; items: T[] }>();
  for (const it of items) {
    const columns = Object.entries(props(it))
      // An empty list cannot be imported (see the header): written as no property.
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]): [string, string] => [k, typeOf(v)])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = columns.map(([k, t]) => `${k}:${t}`).join(',');
    (groups.get(key) ?? groups.set(key, { columns, items: [] }).get(key)!).items.push(it);
  }
  return groups;
}

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

async function writeCsv(file: string, header: string[], rows: Iterable<string[]>): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  // Lines go out in chunks: a write per line was most of the export's file time.
  let chunk: string[] = [header.join(',')];
  const flush = async () => {
    if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
    chunk = [];
  };
  for (const r of rows) {
    chunk.push(r.join(','));
    if (chunk.length >= 4096) await flush();
  }
  if (chunk.length) await flush();
  out.end();
  await once(out, 'finish');
}

export interface ExportResult {
  dir: string;
  nodes: number;
  relationships: number;
  files: string[];
  reports: SyncReport[];
  /** Wall time of reading the platforms (the sync's reads) and of writing the files. */
  readMs: number;
  writeMs: number;
}

/**
 * Reads every platform from the beginning (as a first sync) and writes the importer's input to
 * `dir`, which must be empty or missing. Nothing is written to any database.
 */
export async function exportGraphForImport(src: SyncSources, dir: string, opts: Pick<SyncOptions, 'batchSize' | 'now'> = {}): Promise<ExportResult> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new Error(`export directory ${dir} is not empty; give a new or empty directory`);
  const acc = new GraphAccumulator();
  const t0 = performance.now();
  // One timestamp for the whole load: the importer writes it at once.
  const at = (opts.now ?? (() => new Date().toISOString()))();
  const reports = await syncOnce(acc, src, { batchSize: opts.batchSize, now: () => at });
  const readMs = performance.now() - t0;
  const t1 = performance.now();
  try {
    const args = await writeFiles(acc, dir);
    await writeFile(path.join(dir, 'import.args'), args.join('\n') + '\n');
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const files = (await readdir(dir)).sort();
  return { dir, ...acc.counts, files, reports, readMs, writeMs: performance.now() - t1 };
}

async function writeFiles(acc: GraphAccumulator, dir: string): Promise<string[]> {
  const args = [
    '--delimiter=,',
    `--array-delimiter=U+001F`,
    '--quote="',
    '--multiline-fields=true',
    '--id-type=string',
    // Fail on anything the importer would otherwise skip and count.
    '--bad-tolerance=0',
    '--skip-bad-relationships=false',
    '--skip-duplicate-nodes=false',
    '--report-file=import.report',
  ];
  for (const label of LABELS) {
    const m = acc.nodes.get(label)!;
    let g = 0;
    for (const { columns, items } of bySignature(m, ([, p]) => p).values()) {
      const file = `nodes-${label}-${++g}.csv`;
      await writeCsv(path.join(dir, file), [`id:ID(${label})`, ...columns.map(([k, t]) => `${k}:${t}`)], function* () {
        for (const [id, p] of items) yield [cell(`${label}.id`, id), ...columns.map(([k]) => cell(`${label}.${k}`, p[k]!))];
      }());
      args.push(`--nodes=${label}:Entity=${file}`);
    }
  }
  let g = 0;
  const states = [...acc.watermarks].map(([platform, w]): Props => ({ platform, lastSyncAt: w.lastSyncAt, ...(w.watermark === null ? {} : { watermark: w.watermark }) }));
  for (const { columns, items } of bySignature(states, (p) => p).values()) {
    const file = `nodes-SyncState-${++g}.csv`;
    await writeCsv(path.join(dir, file), columns.map(([k, t]) => (k === 'platform' ? 'platform:ID(SyncState)' : `${k}:${t}`)), function* () {
      for (const p of items) yield columns.map(([k]) => cell(`SyncState.${k}`, p[k]!));
    }());
    args.push(`--nodes=SyncState=${file}`);
  }
  // Files per relationship type, endpoint labels (the id spaces differ per label) and signature.
  const groups = new Map<string, Rel[]>();
  for (const r of acc.rels.values()) {
    const k = `${r.type}-${r.from}-${r.to}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  for (const [k, rs] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { type, from, to } = rs[0]!;
    let n = 0;
    for (const { columns, items } of bySignature(rs, (r) => r.props).values()) {
      const file = `rels-${k}-${++n}.csv`;
      await writeCsv(path.join(dir, file), [`:START_ID(${from})`, `:END_ID(${to})`, ...columns.map(([c, t]) => `${c}:${t}`)], function* () {
        for (const r of items) yield [cell(`${type}.start`, r.start), cell(`${type}.end`, r.end), ...columns.map(([c]) => cell(`${type}.${c}`, r.props[c]!))];
      }());
      args.push(`--relationships=${type}=${file}`);
    }
  }
  return args;
}
