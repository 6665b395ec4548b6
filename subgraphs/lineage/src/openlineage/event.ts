/**
 * OpenLineage RunEvents as the spec (OpenLineage.json 2-0-2) defines them, validated with zod,
 * and what the catalog learns from one: the run, its job, and the dataset versions it read and
 * wrote. Pure: no I/O.
 *
 * Required by the spec and checked here: `eventTime` (date-time), `producer` and `schemaURL`
 * (URIs), `run.runId` (a UUID), `job.namespace`/`job.name`, every dataset's `namespace`/`name`,
 * every facet's `_producer`/`_schemaURL`; `eventType` is optional but one of
 * START|RUNNING|COMPLETE|ABORT|FAIL|OTHER when present. The facets the catalog reads
 * (`schema`, `version`, `ownership`, `documentation`, `outputStatistics`, our `mlops_catalog`)
 * are checked for their own required fields; other facets pass through unread.
 *
 * Bounds (not in the spec, ours): the whole body at most 1 MB, any single facet at most 256 KB
 * (its JSON), at most 1,000 inputs or outputs per event and 100 events per batch.
 */
import { z } from 'zod';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_FACET_BYTES = 256 * 1024;
export const MAX_DATASETS = 1000;
export const MAX_BATCH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (max: number) => z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const uri = str(2048).refine((s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s), 'must be a URI');
const dateTime = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });

/** Every facet: the spec's BaseFacet (`_producer`, `_schemaURL`), other keys allowed. */
const facetBase = { _producer: uri, _schemaURL: uri };
const anyFacet = z.looseObject(facetBase);

const SchemaFacet = z.looseObject({
  ...facetBase,
  fields: z.array(z.looseObject({ name: str(512), type: z.string().max(512).optional() })).max(10_000).optional(),
});
const VersionFacet = z.looseObject({ ...facetBase, datasetVersion: str(512) });
const OwnershipFacet = z.looseObject({ ...facetBase, owners: z.array(z.looseObject({ name: str(512), type: z.string().max(256).optional() })).max(1000).optional() });
const DocumentationFacet = z.looseObject({ ...facetBase, description: z.string().max(100_000) });
const OutputStatisticsFacet = z.looseObject({ ...facetBase, rowCount: z.number().int().min(0).optional() });
/** Our custom dataset facet: what the catalog's model has and no standard facet carries. */
export const CATALOG_FACET = 'mlops_catalog';
const CatalogFacet = z.looseObject({
  ...facetBase,
  kind: z.enum(['RAW', 'CLEANED', 'FEATURES']).optional(),
  projectId: str(256).optional(),
  versionNumber: z.number().int().min(0).optional(),
  uri: str(2048).optional(),
  digest: str(512).optional(),
});

const datasetFacets = z
  .looseObject({
    schema: SchemaFacet.optional(),
    version: VersionFacet.optional(),
    ownership: OwnershipFacet.optional(),
    documentation: DocumentationFacet.optional(),
    [CATALOG_FACET]: CatalogFacet.optional(),
  })
  .catchall(anyFacet)
  .optional();

const dataset = {
  namespace: str(1024),
  name: str(1024),
  facets: datasetFacets,
};
const InputDataset = z.looseObject({ ...dataset, inputFacets: z.record(z.string(), anyFacet).optional() });
const OutputDataset = z.looseObject({
  ...dataset,
  outputFacets: z.looseObject({ outputStatistics: OutputStatisticsFacet.optional() }).catchall(anyFacet).optional(),
});

export const EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;

export const RunEvent = z.looseObject({
  eventType: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }).optional(),
  eventTime: dateTime,
  producer: uri,
  schemaURL: uri,
  run: z.looseObject({ runId: z.string().regex(UUID, 'must be a UUID'), facets: z.record(z.string(), anyFacet).optional() }),
  job: z.looseObject({ namespace: str(1024), name: str(1024), facets: z.record(z.string(), anyFacet).optional() }),
  inputs: z.array(InputDataset).max(MAX_DATASETS).optional(),
  outputs: z.array(OutputDataset).max(MAX_DATASETS).optional(),
});
export type RunEvent = z.infer<typeof RunEvent>;

/** `inputs[0].facets.schema`: the JSON path a producer can find in its own event. */
export function jsonPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || '(event)';
}

/** Facets larger than MAX_FACET_BYTES, by JSON path (checked before the schema: cheap and bounded). */
export function oversizedFacets(event: unknown, root = ''): string[] {
  const out: string[] = [];
  if (!event || typeof event !== 'object') return out;
  const e = event as Record<string, any>;
  const check = (facets: unknown, path: (string | number)[]) => {
    if (!facets || typeof facets !== 'object' || Array.isArray(facets)) return;
    for (const [name, f] of Object.entries(facets)) {
      const bytes = Buffer.byteLength(JSON.stringify(f) ?? '');
      if (bytes > MAX_FACET_BYTES) out.push(`${jsonPath([...path, name], root)}: facet is ${Math.ceil(bytes / 1024)} KB, at most ${MAX_FACET_BYTES / 1024} KB`);
    }
  };
  check(e.run?.facets, ['run', 'facets']);
  check(e.job?.facets, ['job', 'facets']);
  for (const key of ['inputs', 'outputs'] as const) {
    if (!Array.isArray(e[key])) continue;
    e[key].slice(0, MAX_DATASETS).forEach((d: any, i: number) => {
      check(d?.facets, [key, i, 'facets']);
      check(d?.inputFacets, [key, i, 'inputFacets']);
      check(d?.outputFacets, [key, i, 'outputFacets']);
    });
  }
  return out;
}

/** Validates one event: the parsed event, or every problem named by its JSON path. */
export function validateRunEvent(input: unknown, root = ''): { ok: true; event: RunEvent } | { ok: false; problems: string[] } {
  const big = oversizedFacets(input, root);
  const r = RunEvent.safeParse(input);
  if (r.success && big.length === 0) return { ok: true, event: r.data };
  const problems = [...big, ...(r.success ? [] : r.error.issues.map((i) => `${jsonPath(i.path, root)}: ${i.message}`))];
  return { ok: false, problems };
}

/** A dataset version (or an unversioned dataset) as one event reports it. */
export interface DatasetSighting {
  /** The dataset: its OpenLineage name (the catalog's dataset id). */
  name: string;
  namespace: string;
  /** `<name>@<version>`, the same shape as MLflow's `name@digest`; null without a version. */
  versionId: string | null;
  version: string | null;
  kind: string | null;
  projectId: string | null;
  description: string | null;
  owner: string | null;
  /** JSON of `[{name, type}]`. */
  schemaJson: string | null;
  rowCount: number | null;
  versionNumber: number | null;
  uri: string | null;
  digest: string | null;
}

/** What the store writes for one accepted event. */
export interface OpenLineageWrite {
  runId: string;
  eventType: string;
  /** Normalised to UTC milliseconds, so it compares as a string. */
  eventTime: string;
  jobId: string;
  jobNamespace: string;
  jobName: string;
  producer: string;
  /** A COMPLETE run's outputs derive from its inputs. */
  complete: boolean;
  inputs: DatasetSighting[];
  outputs: DatasetSighting[];
}

function sighting(d: NonNullable<RunEvent['inputs']>[number] & { outputFacets?: Record<string, any> }): DatasetSighting {
  const f = (d.facets ?? {}) as Record<string, any>;
  const cat = f[CATALOG_FACET] as z.infer<typeof CatalogFacet> | undefined;
  // The version facet names the version; our catalog facet's digest stands in for it without one.
  const version: string | null = f.version?.datasetVersion ?? cat?.digest ?? null;
  const fields = (f.schema?.fields ?? null) as { name: string; type?: string }[] | null;
  return {
    name: d.name,
    namespace: d.namespace,
    versionId: version ? `${d.name}@${version}` : null,
    version,
    kind: cat?.kind ?? null,
    projectId: cat?.projectId ?? null,
    description: f.documentation?.description ?? null,
    owner: f.ownership?.owners?.[0]?.name ?? null,
    schemaJson: fields ? JSON.stringify(fields.map((x) => ({ name: x.name, type: x.type ?? '' }))) : null,
    rowCount: d.outputFacets?.outputStatistics?.rowCount ?? null,
    versionNumber: cat?.versionNumber ?? null,
    uri: cat?.uri ?? null,
    digest: cat?.digest ?? version,
  };
}

export function toWrite(e: RunEvent): OpenLineageWrite {
  const eventType = e.eventType ?? 'OTHER';
  return {
    runId: e.run.runId.toLowerCase(),
    eventType,
    eventTime: new Date(e.eventTime).toISOString(),
    jobId: `${e.job.namespace}/${e.job.name}`,
    jobNamespace: e.job.namespace,
    jobName: e.job.name,
    producer: e.producer,
    complete: eventType === 'COMPLETE',
    inputs: (e.inputs ?? []).map(sighting),
    outputs: (e.outputs ?? []).map(sighting),
  };
}
