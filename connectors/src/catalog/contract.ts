/**
 * The CatalogConnector contract: one vitest suite every implementation runs (the built-in
 * catalog in builtin.contract.test.ts, the OpenLineage one over events sent through the real
 * openlineage-python client in test/integration/openlineage.int.test.ts) against the same
 * scenario slice. Every expectation is computed from the scenario arrays (the oracle below),
 * never from a connector, so both give the same answers field by field.
 *
 * The oracle's projects of a version: its dataset's project and, along derived-from, every
 * project of a version derived from it (in the scenario every run consumes its own project's
 * data, so the built-in catalog's run-input rule adds nothing here). derivedFrom is compared as a
 * set (sorted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import type { CatalogConnector, DatasetModel, DatasetVersionModel } from './types.ts';

export interface OpenedCatalog {
  connector: CatalogConnector;
  scenario: Scenario;
  cleanup: () => Promise<void>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (xs: Iterable<string>) => [...xs].sort(cmp);

function sample<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

const norm = (v: DatasetVersionModel | null) => (v ? { ...v, derivedFrom: sorted(v.derivedFrom), projectIds: sorted(v.projectIds) } : null);

async function walk<T>(list: (page: PageRequest) => Promise<Page<T>>, first: number): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page = await list({ first, after });
    expect(page.tokens).toHaveLength(page.items.length);
    items.push(...page.items);
    if (!page.hasNextPage) {
      expect(page.totalCount).toBe(items.length);
      return items;
    }
    expect(page.items).toHaveLength(first);
    after = page.tokens.at(-1)!;
  }
  throw new Error('the list never ended');
}

/** Expected models from the scenario alone. */
export function catalogOracle(s: Scenario) {
  const downstream = new Map<string, string[]>();
  for (const v of s.datasetVersions) for (const up of v.derivedFrom) downstream.set(up, [...(downstream.get(up) ?? []), v.id]);
  const memo = new Map<string, Set<string>>();
  const projectsOf = (id: string): Set<string> => {
    let p = memo.get(id);
    if (p) return p;
    const v = s.index.datasetVersion.get(id)!;
    p = new Set([s.index.dataset.get(v.datasetId)!.projectId]);
    for (const d of downstream.get(id) ?? []) for (const x of projectsOf(d)) p.add(x);
    memo.set(id, p);
    return p;
  };
  const version = (v: Scenario['datasetVersions'][number]): DatasetVersionModel => ({
    id: v.id,
    datasetId: v.datasetId,
    version: v.version,
    uri: v.uri,
    digest: v.digest,
    schema: v.schema.map((f) => ({ name: f.name, type: f.type })),
    rowCount: v.rowCount,
    owner: v.owner,
    createdAt: v.createdAt,
    producer: v.producer,
    derivedFrom: sorted(v.derivedFrom),
    projectIds: sorted(projectsOf(v.id)),
  });
  const versionsOf = (datasetId: string) => s.datasetVersions.filter((v) => v.datasetId === datasetId).sort((a, b) => b.version - a.version);
  const dataset = (d: Scenario['datasets'][number]): DatasetModel => ({
    id: d.id,
    name: d.name,
    kind: d.kind,
    owner: d.owner,
    description: d.description,
    projectIds: sorted(new Set([d.projectId, ...versionsOf(d.id).flatMap((v) => [...projectsOf(v.id)])])),
  });
  return { version, versionsOf, dataset };
}

export function describeCatalogConnectorContract(name: string, open: () => Promise<OpenedCatalog>, opts: { openTimeoutMs?: number } = {}): void {
  describe(`CatalogConnector contract: ${name}`, () => {
    let o: OpenedCatalog;
    let c: CatalogConnector;
    let s: Scenario;
    let oracle: ReturnType<typeof catalogOracle>;

    beforeAll(async () => {
      o = await open();
      c = o.connector;
      s = o.scenario;
      oracle = catalogOracle(s);
    }, opts.openTimeoutMs ?? 60_000);
    afterAll(async () => {
      await o?.cleanup();
    });

    it('names the catalog platform', () => {
      expect(c.platform).toBe('catalog');
    });

    it('gets dataset versions by id in key order (schema, owner, producer, derivedFrom, uri, digest, rows), null for unknown ids', async () => {
      const picks = sample(s.datasetVersions, 60);
      const unknown = ['no-such-dataset@sha256:00', `${picks[0]!.datasetId}@sha256:ffffffffffffffff`, `it's@x`, ''];
      const got = await c.getDatasetVersions([unknown[0]!, ...picks.map((v) => v.id), ...unknown.slice(1)]);
      expect(got.map(norm)).toEqual([null, ...picks.map(oracle.version), null, null, null]);
      expect(await c.getDatasetVersions([])).toEqual([]);
    });

    it('answers every version of the slice, derivedFrom and projects included', async () => {
      const got = await c.getDatasetVersions(s.datasetVersions.map((v) => v.id));
      expect(got.map(norm)).toEqual(s.datasetVersions.map(oracle.version));
    });

    it('gets datasets by id in key order (kind, owner, description, projects), null for unknown ids', async () => {
      const picks = sample(s.datasets, 30);
      const got = await c.getDatasets([...picks.map((d) => d.id), 'no-such-dataset']);
      expect(got.map((d) => (d ? { ...d, projectIds: sorted(d.projectIds) } : null))).toEqual([...picks.map(oracle.dataset), null]);
    });

    it('lists the versions of a dataset newest first, page by page, and within a project scope', async () => {
      for (const d of sample(s.datasets, 8)) {
        const all = await walk((p) => c.listVersions({ datasetId: d.id }, p), 2);
        expect(all.map(norm)).toEqual(oracle.versionsOf(d.id).map(oracle.version));
        const own = await walk((p) => c.listVersions({ datasetId: d.id, projectIds: [d.projectId] }, p), 50);
        expect(own.map((v) => v.id)).toEqual(all.map((v) => v.id));
        expect((await c.listVersions({ datasetId: d.id, projectIds: ['no-such-project'] }, { first: 10, after: null })).items).toEqual([]);
        expect((await c.listVersions({ datasetId: d.id, projectIds: [] }, { first: 10, after: null })).totalCount).toBe(0);
      }
      expect((await c.listVersions({ datasetId: 'no-such-dataset' }, { first: 10, after: null })).totalCount).toBe(0);
    });

    it('gives the newest version of each dataset in key order, null for unknown datasets or out of scope', async () => {
      const picks = sample(s.datasets, 20);
      const got = await c.latestVersions([...picks.map((d) => d.id), 'no-such-dataset']);
      expect(got.map(norm)).toEqual([...picks.map((d) => oracle.version(oracle.versionsOf(d.id)[0]!)), null]);
      const scoped = await c.latestVersions([picks[0]!.id], { projectIds: ['no-such-project'] });
      expect(scoped).toEqual([null]);
    });

    it('feeds the versions created since a time, oldest first', async () => {
      const byTime = [...s.datasetVersions].sort((a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id));
      const since = byTime[Math.floor(byTime.length / 2)]!.createdAt;
      const got = await walk((p) => c.changedDatasetVersions(since, p), 100);
      expect(got.map((v) => v.id)).toEqual(byTime.filter((v) => v.createdAt >= since).map((v) => v.id));
      expect((await c.changedDatasetVersions(null, { first: 1, after: null })).totalCount).toBe(s.datasetVersions.length);
    });

    it('lists datasets by name with kind, owner, search and project filters', async () => {
      const byName = [...s.datasets].sort((a, b) => cmp(a.name, b.name));
      const all = await walk((p) => c.listDatasets({}, p), 50);
      expect(all.map((d) => d.id)).toEqual(byName.map((d) => d.id));
      const d0 = s.datasets[5]!;
      const filtered = await walk((p) => c.listDatasets({ kind: 'FEATURES', owner: d0.owner, search: 'PUMP', projectIds: [d0.projectId] }, p), 50);
      expect(filtered.map((d) => d.id)).toEqual(
        byName.filter((d) => d.kind === 'FEATURES' && d.owner === d0.owner && d.name.includes('pump') && oracle.dataset(d).projectIds.includes(d0.projectId)).map((d) => d.id),
      );
      expect((await c.listDatasets({ projectIds: [] }, { first: 5, after: null })).totalCount).toBe(0);
    });
  });
}
