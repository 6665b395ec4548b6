/** Per-request context: fresh DataLoaders over the catalog connector. */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { CatalogConnector, DatasetModel, DatasetVersionModel } from '@mlops/connectors/catalog';

export interface Context {
  connector: CatalogConnector;
  loaders: {
    dataset: DataLoader<string, DatasetModel | null>;
    version: DataLoader<string, DatasetVersionModel | null>;
    latest: DataLoader<string, DatasetVersionModel | null>;
  };
}

export function createContext(connector: CatalogConnector): Context {
  return {
    connector,
    loaders: {
      dataset: loader((ids) => connector.getDatasets(ids)),
      version: loader((ids) => connector.getDatasetVersions(ids)),
      latest: loader((ids) => connector.latestVersions(ids)),
    },
  };
}
