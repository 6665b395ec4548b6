import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument, type Identity } from '@mlops/kit';
import { entitiesQuery, execute } from '@mlops/kit/testing';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { catalog } from './server.ts';

const scenario = getScenario();
const connector = instrument(new BuiltinCatalogConnector(scenario));
const { server, context } = catalog.createServer(connector, createLogger('t', 'silent'));
const run = async (q: string, v?: Record<string, unknown>) => execute(server, await context(), q, v);

describe('catalog subgraph contract', () => {
  it('resolves DatasetVersion representations in one batch, with provenance', async () => {
    const versions = scenario.datasetVersions.filter((v) => v.derivedFrom.length > 0).slice(0, 40);
    connector.calls.reset();
    const res = await run(entitiesQuery('DatasetVersion', 'id uri owner dataset { id kind } derivedFrom { id derivedFrom { id } }'), {
      r: versions.map((v) => ({ __typename: 'DatasetVersion', id: v.id })),
    });
    expect(res.errors).toBeUndefined();
    res.data!._entities.forEach((e: any, i: number) => {
      const v = versions[i]!;
      expect(e.uri).toBe(v.uri);
      expect(e.dataset.id).toBe(v.datasetId);
      expect(e.derivedFrom.map((d: any) => d.id)).toEqual(v.derivedFrom);
    });
    // Entities, one level of derivedFrom and the next: at most one batched call per level
    // (fewer when a level is already in the request's loader cache), never one per entity.
    expect(connector.calls.byMethod.get('getDatasetVersions')).toBeLessThanOrEqual(3);
    expect(connector.calls.byMethod.get('getDatasets')).toBe(1);
  });

  it('resolves Dataset representations with paged versions, newest first', async () => {
    const ds = scenario.datasets.find((d) => d.kind === 'FEATURES' && d.id.startsWith('features-'))!;
    const all = scenario.datasetVersions.filter((v) => v.datasetId === ds.id).sort((a, b) => b.version - a.version);
    const res = await run(entitiesQuery('Dataset', 'id versions(first: 1) { totalCount nodes { version } pageInfo { hasNextPage } } latestVersion { id }'), {
      r: [{ __typename: 'Dataset', id: ds.id }, { __typename: 'Dataset', id: 'nope' }],
    });
    const e = res.data!._entities[0];
    expect(e.versions.totalCount).toBe(all.length);
    expect(e.versions.nodes[0].version).toBe(all[0]!.version);
    expect(e.latestVersion.id).toBe(all[0]!.id);
    expect(res.data!._entities[1]).toBeNull();
  });

  it('filters datasets by kind and search', async () => {
    const res = await run(`{ datasets(filter: { kind: RAW, search: "PUMP-00" }, first: 100) { totalCount nodes { name kind } } }`);
    const expected = scenario.datasets.filter((d) => d.kind === 'RAW' && d.name.includes('pump-00'));
    expect(res.data!.datasets.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
  });
});

describe('catalog subgraph: project scope', () => {
  const A = 'pump-anomaly';
  const pumpViewer: Identity = { sub: 'pump-viewer', name: 'pump viewer', roles: { [A]: 'viewer' }, anonymous: false };
  const runAs = async (caller: Identity, q: string, v?: Record<string, unknown>) => execute(server, await context(undefined, caller), q, v);
  // The scenario's truth: every dataset belongs to the project of the machines (or fleet) it logs.
  const projectOfDataset = new Map(scenario.datasets.map((d) => [d.id, d.projectId]));
  const ownDatasets = scenario.datasets.filter((d) => d.projectId === A);
  const otherDatasets = scenario.datasets.filter((d) => d.projectId !== A);
  const ownVersions = scenario.datasetVersions.filter((v) => projectOfDataset.get(v.datasetId) === A);
  const otherVersions = scenario.datasetVersions.filter((v) => projectOfDataset.get(v.datasetId) !== A);

  it('datasets lists exactly the own project, paged and counted in the catalog', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const res = await runAs(pumpViewer, `query($after: String) { datasets(first: 100, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(res.errors).toBeUndefined();
      expect(res.data!.datasets.totalCount).toBe(ownDatasets.length);
      ids.push(...res.data!.datasets.nodes.map((n: { id: string }) => n.id));
      after = res.data!.datasets.pageInfo.hasNextPage ? res.data!.datasets.pageInfo.endCursor : null;
    } while (after);
    expect(ids.sort()).toEqual(ownDatasets.map((d) => d.id).sort());
    // Another project's name finds nothing; the same search without a limit finds it.
    const q = `{ datasets(filter: { search: "${otherDatasets[0]!.name}" }) { totalCount } }`;
    expect((await runAs(pumpViewer, q)).data!.datasets.totalCount).toBe(0);
    expect((await run(q)).data!.datasets.totalCount).toBeGreaterThan(0);
  });

  it('dataset and datasetVersion answer null for another project', async () => {
    const q = `{ a: dataset(id: "${ownDatasets[0]!.id}") { id } b: dataset(id: "${otherDatasets[0]!.id}") { id }
      c: datasetVersion(id: "${ownVersions[0]!.id}") { id } d: datasetVersion(id: "${otherVersions[0]!.id}") { id } }`;
    expect((await runAs(pumpViewer, q)).data).toEqual({ a: { id: ownDatasets[0]!.id }, b: null, c: { id: ownVersions[0]!.id }, d: null });
    expect((await run(q)).data!.d).toEqual({ id: otherVersions[0]!.id });
  });

  it('_entities: Dataset and DatasetVersion of another project resolve to null, one catalog call per type', async () => {
    const ds = [...ownDatasets.slice(0, 15), ...otherDatasets.slice(0, 15)];
    const vs = [...ownVersions.slice(0, 15), ...otherVersions.slice(0, 15)];
    connector.calls.reset();
    const r1 = await runAs(pumpViewer, entitiesQuery('Dataset', 'id versions(first: 500) { totalCount nodes { id } } latestVersion { id }'), {
      r: ds.map((d) => ({ __typename: 'Dataset', id: d.id })),
    });
    expect(r1.errors).toBeUndefined();
    r1.data!._entities.forEach((e: any, i: number) => {
      const d = ds[i]!;
      if (d.projectId !== A) return expect(e).toBeNull();
      const versions = scenario.datasetVersions.filter((v) => v.datasetId === d.id).sort((a, b) => b.version - a.version);
      expect(e).toEqual({ id: d.id, versions: { totalCount: versions.length, nodes: versions.map((v) => ({ id: v.id })) }, latestVersion: { id: versions[0]!.id } });
    });
    const r2 = await runAs(pumpViewer, entitiesQuery('DatasetVersion', 'id dataset { id } derivedFrom { id }'), { r: vs.map((v) => ({ __typename: 'DatasetVersion', id: v.id })) });
    expect(r2.errors).toBeUndefined();
    expect(r2.data!._entities).toEqual(
      vs.map((v) => (projectOfDataset.get(v.datasetId) === A ? { id: v.id, dataset: { id: v.datasetId }, derivedFrom: v.derivedFrom.map((id) => ({ id })) } : null)),
    );
    expect(connector.calls.byMethod.get('getDatasets')).toBe(2); // the Dataset batch, then DatasetVersion.dataset's
    expect(connector.calls.byMethod.get('getDatasetVersions')).toBeLessThanOrEqual(2);
    expect(connector.calls.byMethod.get('latestVersions')).toBe(1);
  });

  describe('a dataset version another project trained on', () => {
    // The plant's projects keep their data apart; here a motor-vibration run also consumes one
    // pump feature version, so both projects use it (and its upstream versions).
    const B = 'motor-vibration';
    const features = scenario.datasets.find((d) => d.projectId === A && d.kind === 'FEATURES' && d.id.startsWith('features-'))!;
    const versions = scenario.datasetVersions.filter((v) => v.datasetId === features.id).sort((a, b) => a.version - b.version);
    const shared = versions[0]!; // the oldest: the dataset's newest version stays pump-only
    const upstream = (id: string): string[] => scenario.index.datasetVersion.get(id)!.derivedFrom.flatMap((u) => [u, ...upstream(u)]);
    const borrower = { ...scenario.runs.find((r) => r.projectId === B)!, id: 'cross-project-run', inputs: [shared.id] };
    const sharing = instrument(new BuiltinCatalogConnector({ ...scenario, runs: [...scenario.runs, borrower] }));
    const s = catalog.createServer(sharing, createLogger('t', 'silent'));
    const motorViewer: Identity = { sub: 'motor-viewer', name: 'motor viewer', roles: { [B]: 'viewer' }, anonymous: false };
    const runB = async (q: string, v?: Record<string, unknown>) => execute(s.server, await s.context(undefined, motorViewer), q, v);

    it('is visible to both projects, with its provenance, and nothing else of the other project is', async () => {
      expect(versions.length).toBeGreaterThan(1);
      const visible = [shared.id, ...upstream(shared.id)];
      const res = await runB(entitiesQuery('DatasetVersion', 'id derivedFrom { id derivedFrom { id } }'), {
        r: [...visible, versions.at(-1)!.id].map((id) => ({ __typename: 'DatasetVersion', id })),
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!._entities.slice(0, -1).map((e: any) => e?.id)).toEqual(visible);
      expect(res.data!._entities.at(-1)).toBeNull();
      // The pump dataset is visible through the shared version, but lists only what motor-vibration uses.
      const ds = await runB(`{ dataset(id: "${features.id}") { versions(first: 500) { totalCount nodes { id } } latestVersion { id } } }`);
      expect(ds.data!.dataset).toEqual({ versions: { totalCount: 1, nodes: [{ id: shared.id }] }, latestVersion: { id: shared.id } });
      const list = await runB(`{ datasets(filter: { search: "${features.name}" }) { nodes { id } } }`);
      expect(list.data!.datasets.nodes).toEqual([{ id: features.id }]);
      // A pump viewer still sees every version of it.
      const pump = await execute(s.server, await s.context(undefined, pumpViewer), `{ dataset(id: "${features.id}") { versions { totalCount } } }`);
      expect(pump.data!.dataset.versions.totalCount).toBe(versions.length);
    });
  });
});
