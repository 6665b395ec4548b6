/** The built-in data catalog: an in-process store over the plant scenario's datasets. */
import { pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import type { CatalogConnector, DatasetFilterInput, DatasetModel, DatasetVersionModel } from './types.ts';

export class BuiltinCatalogConnector implements CatalogConnector {
  readonly platform = 'catalog';
  private readonly datasets: DatasetModel[];
  private readonly datasetById: Map<string, DatasetModel>;
  private readonly versionById: Map<string, DatasetVersionModel>;
  private readonly versionsByDataset: Map<string, DatasetVersionModel[]>;
  private byChange: DatasetVersionModel[] | undefined;

  constructor(scenario: Scenario) {
    this.datasets = scenario.datasets.map((d) => ({ ...d })).sort((a, b) => a.name.localeCompare(b.name));
    this.datasetById = new Map(this.datasets.map((d) => [d.id, d]));
    this.versionById = new Map(scenario.datasetVersions.map((v) => [v.id, { ...v }]));
    this.versionsByDataset = new Map();
    for (const v of this.versionById.values()) {
      const list = this.versionsByDataset.get(v.datasetId) ?? [];
      list.push(v);
      this.versionsByDataset.set(v.datasetId, list);
    }
    for (const list of this.versionsByDataset.values()) list.sort((a, b) => b.version - a.version);
  }

  async getDatasets(ids: readonly string[]) {
    return ids.map((id) => this.datasetById.get(id) ?? null);
  }

  async getDatasetVersions(ids: readonly string[]) {
    return ids.map((id) => this.versionById.get(id) ?? null);
  }

  async listDatasets(filter: DatasetFilterInput, page: PageRequest) {
    const q = filter.search?.toLowerCase();
    const rows = this.datasets.filter(
      (d) => (!filter.kind || d.kind === filter.kind) && (!filter.owner || d.owner === filter.owner) && (!q || d.name.toLowerCase().includes(q)),
    );
    return pageOf(rows, page);
  }

  async listVersions(datasetId: string, page: PageRequest) {
    return pageOf(this.versionsByDataset.get(datasetId) ?? [], page);
  }

  async changedDatasetVersions(since: string | null, page: PageRequest) {
    this.byChange ??= [...this.versionById.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return pageOf(since === null ? this.byChange : this.byChange.filter((v) => v.createdAt >= since), page);
  }

  async latestVersions(datasetIds: readonly string[]) {
    return datasetIds.map((id) => this.versionsByDataset.get(id)?.[0] ?? null);
  }
}
