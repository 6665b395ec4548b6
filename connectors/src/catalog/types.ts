/**
 * The data catalog interface: datasets and their versions with provenance. Shaped so a
 * catalog fed by OpenLineage events (datasets, versions, producing jobs, input facets) can
 * implement it: batch get by ids, paged listing, typed ConnectorErrors.
 */
import type { Page, PageRequest } from '@mlops/kit';

export type DatasetKind = 'RAW' | 'CLEANED' | 'FEATURES';

export interface DatasetModel {
  id: string;
  name: string;
  kind: DatasetKind;
  owner: string;
  description: string | null;
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
}

export interface DatasetFilterInput {
  kind?: DatasetKind | null;
  owner?: string | null;
  search?: string | null;
}

export interface CatalogConnector {
  readonly platform: string;
  getDatasets(ids: readonly string[]): Promise<(DatasetModel | null)[]>;
  getDatasetVersions(ids: readonly string[]): Promise<(DatasetVersionModel | null)[]>;
  listDatasets(filter: DatasetFilterInput, page: PageRequest): Promise<Page<DatasetModel>>;
  /** Versions of one dataset, newest first. */
  listVersions(datasetId: string, page: PageRequest): Promise<Page<DatasetVersionModel>>;
  /** Versions created at or after `since` (all when null), oldest first: the sync's feed. */
  changedDatasetVersions(since: string | null, page: PageRequest): Promise<Page<DatasetVersionModel>>;
  /** The newest version of each dataset, in key order. */
  latestVersions(datasetIds: readonly string[]): Promise<(DatasetVersionModel | null)[]>;
}
