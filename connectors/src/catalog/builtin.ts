/** The built-in data catalog: an in-process store over the plant scenario's datasets. */
import { ChangeFeed, pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { anyInScope, scopeSet, type ProjectScope } from '../scope.ts';
import type { CatalogConnector, DatasetFilterInput, DatasetModel, DatasetVersionFilterInput, DatasetVersionModel } from './types.ts';

/**
 * Which projects use each dataset version: the project of the machines its dataset belongs to,
 * the project of every run that consumed it (the catalog's input facets), and, upstream along
 * derived-from, every project using something derived from it, so a project that trained on
 * features also sees where they came from.
 */
function projectsOfVersions(scenario: Scenario): Map<string, Set<string>> {
  const uses = new Map<string, Set<string>>();
  const add = (versionId: string, projectId: string) => {
    const set = uses.get(versionId) ?? new Set<string>();
    set.add(projectId);
    uses.set(versionId, set);
  };
  for (const v of scenario.datasetVersions) {
    const own = scenario.index.dataset.get(v.datasetId)?.projectId;
    if (own) add(v.id, own);
  }
  for (const r of scenario.runs) for (const input of r.inputs) add(input, r.projectId);
  // Upstream, to a fixed point: a version is revisited only when its set of projects grew.
  const pending = [...uses.keys()];
  while (pending.length > 0) {
    const id = pending.pop()!;
    const projects = uses.get(id)!;
    for (const up of scenario.index.datasetVersion.get(id)?.derivedFrom ?? []) {
      const before = uses.get(up)?.size ?? 0;
      for (const p of projects) add(up, p);
      if (uses.get(up)!.size !== before) pending.push(up);
    }
  }
  return uses;
}

const sorted = (s: Set<string> | undefined) => [...(s ?? [])].sort();

export class BuiltinCatalogConnector implements CatalogConnector {
  readonly platform = 'catalog';
  private readonly datasets: DatasetModel[];
  private readonly datasetById: Map<string, DatasetModel>;
  private readonly versionById: Map<string, DatasetVersionModel>;
  private readonly versionsByDataset: Map<string, DatasetVersionModel[]>;
  private readonly feed = new ChangeFeed<DatasetVersionModel>(() => this.versionById.values(), (v) => v.createdAt);

  constructor(scenario: Scenario) {
    const uses = projectsOfVersions(scenario);
    this.versionById = new Map(scenario.datasetVersions.map((v) => [v.id, { ...v, projectIds: sorted(uses.get(v.id)) }]));
    this.versionsByDataset = new Map();
    for (const v of this.versionById.values()) {
      const list = this.versionsByDataset.get(v.datasetId) ?? [];
      list.push(v);
      this.versionsByDataset.set(v.datasetId, list);
    }
    for (const list of this.versionsByDataset.values()) list.sort((a, b) => b.version - a.version);
    this.datasets = scenario.datasets
      .map(({ projectId, ...d }) => {
        const projects = new Set([projectId, ...(this.versionsByDataset.get(d.id) ?? []).flatMap((v) => v.projectIds)]);
        return { ...d, projectIds: sorted(projects) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    this.datasetById = new Map(this.datasets.map((d) => [d.id, d]));
  }

  async getDatasets(ids: readonly string[]) {
    return ids.map((id) => this.datasetById.get(id) ?? null);
  }

  async getDatasetVersions(ids: readonly string[]) {
    return ids.map((id) => this.versionById.get(id) ?? null);
  }

  async listDatasets(filter: DatasetFilterInput, page: PageRequest) {
    const q = filter.search?.toLowerCase();
    const scope = scopeSet(filter.projectIds);
    const rows = this.datasets.filter(
      (d) =>
        anyInScope(scope, d.projectIds) &&
        (!filter.kind || d.kind === filter.kind) &&
        (!filter.owner || d.owner === filter.owner) &&
        (!q || d.name.toLowerCase().includes(q)),
    );
    return pageOf(rows, page);
  }

  async listVersions(filter: DatasetVersionFilterInput, page: PageRequest) {
    const all = this.versionsByDataset.get(filter.datasetId) ?? [];
    const scope = scopeSet(filter.projectIds);
    return pageOf(scope === null ? all : all.filter((v) => anyInScope(scope, v.projectIds)), page);
  }

  async changedDatasetVersions(since: string | null, page: PageRequest) {
    return this.feed.page(since, page);
  }

  async latestVersions(datasetIds: readonly string[], filter: { projectIds?: ProjectScope } = {}) {
    const scope = scopeSet(filter.projectIds);
    return datasetIds.map((id) => (this.versionsByDataset.get(id) ?? []).find((v) => anyInScope(scope, v.projectIds)) ?? null);
  }
}
