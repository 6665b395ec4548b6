/** Per-request context: fresh DataLoaders over the catalog connector. */
import type DataLoader from 'dataloader';
import { loader, visibleProjects, type Identity } from '@mlops/kit';
import { anyInScope, type CatalogConnector, type DatasetModel, type DatasetVersionModel } from '@mlops/connectors/catalog';

export interface Context {
  connector: CatalogConnector;
  /** The caller the gateway vouched for (kit/server verifies the signed header). */
  caller: Identity;
  /** The projects the caller may see, null for every project: what list calls pass as `projectIds`. */
  projectIds: string[] | null;
  /** Every loader answers null for a dataset or version no project the caller may see uses. */
  loaders: {
    dataset: DataLoader<string, DatasetModel | null>;
    version: DataLoader<string, DatasetVersionModel | null>;
    latest: DataLoader<string, DatasetVersionModel | null>;
  };
}

const ANON: Identity = { sub: 'anonymous', name: 'anonymous', roles: { '*': 'viewer' }, anonymous: true };

export function createContext(connector: CatalogConnector, _req?: unknown, caller: Identity = ANON): Context {
  const visible = visibleProjects(caller);
  const projectIds = visible && [...visible].sort();
  const seen = <T extends { projectIds: string[] }>(row: T | null): T | null => (row && anyInScope(visible, row.projectIds) ? row : null);
  return {
    connector,
    caller,
    projectIds,
    loaders: {
      dataset: loader(async (ids) => (await connector.getDatasets(ids)).map(seen)),
      version: loader(async (ids) => (await connector.getDatasetVersions(ids)).map(seen)),
      // The newest version the caller may see (a shared dataset's newest may be another project's).
      latest: loader((ids) => connector.latestVersions(ids, { projectIds })),
    },
  };
}
