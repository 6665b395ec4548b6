/**
 * The data catalog interface: datasets and their versions with provenance. Shaped so a
 * catalog fed by OpenLineage events (datasets, versions, producing jobs, input facets) can
 * implement it: batch get by ids, paged listing, typed ConnectorErrors.
 */
import type { Page, PageRequest } from '@mlops/kit';
import type { ProjectScope } from '../scope.ts';

export type DatasetKind = 'RAW' | 'CLEANED' | 'FEATURES';

export interface DatasetModel {
  id: string;
  name: string;
  kind: DatasetKind;
  owner: string;
  description: string | null;
  /**
   * Projects using the dataset: its own, and every project using one of its versions (so the
   * dataset of a version a caller may see is one the caller may see too). Empty when the catalog
   * cannot say; then only a caller who sees every project sees it.
   */
  projectIds: string[];
}

export interface DatasetVersionModel {
  id: string;
  datasetId: string;
  version: number;
  uri: string;
  digest: string;
  schema: { name: string; type: string }[];
  rowCount: number;
  owner: string;
  createdAt: string;
  producer: string | null;
  /** Direct upstream dataset version ids. */
  derivedFrom: string[];
  /**
   * Projects using this version: its dataset's own project, every project whose runs consumed
   * it, and (for provenance) every project using a version derived from it. A caller who sees
   * any of them sees the version. Empty when the catalog cannot say.
   */
  projectIds: string[];
}

export interface DatasetFilterInput {
  kind?: DatasetKind | null;
  owner?: string | null;
  search?: string | null;
  /** Only datasets used by one of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

export interface DatasetVersionFilterInput {
  datasetId: string;
  /** Only versions used by one of these projects (none for []); every project when null or absent. */
  projectIds?: ProjectScope;
}

export interface CatalogConnector {
  readonly platform: string;
  getDatasets(ids: readonly string[]): Promise<(DatasetModel | null)[]>;
  getDatasetVersions(ids: readonly string[]): Promise<(DatasetVersionModel | null)[]>;
  listDatasets(filter: DatasetFilterInput, page: PageRequest): Promise<Page<DatasetModel>>;
  /** Versions of one dataset, newest first. */
  listVersions(filter: DatasetVersionFilterInput, page: PageRequest): Promise<Page<DatasetVersionModel>>;
  /** Versions created at or after `since` (all when null), oldest first: the sync's feed. */
  changedDatasetVersions(since: string | null, page: PageRequest): Promise<Page<DatasetVersionModel>>;
  /** The newest version of each dataset (the newest one used by a project in scope), in key order. */
  latestVersions(datasetIds: readonly string[], scope?: { projectIds?: ProjectScope }): Promise<(DatasetVersionModel | null)[]>;
}
