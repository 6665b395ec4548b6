import { describe, expect, it } from 'vitest';
import { createLogger, getScenario, instrument } from '@mlops/kit';
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
