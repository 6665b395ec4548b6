/** Per-request context: fresh DataLoaders over the connector, so batching never leaks across requests. */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { ModelVersionModel, TrainingConnector, TrainingRunModel } from '@mlops/connectors/training';

export interface Context {
  connector: TrainingConnector;
  loaders: {
    modelVersion: DataLoader<string, ModelVersionModel | null>;
    run: DataLoader<string, TrainingRunModel | null>;
    versionsByRun: DataLoader<string, ModelVersionModel[]>;
  };
}

export function createContext(connector: TrainingConnector): Context {
  return {
    connector,
    loaders: {
      modelVersion: loader((ids) => connector.getModelVersions(ids)),
      run: loader((ids) => connector.getRuns(ids)),
      versionsByRun: loader((ids) => connector.modelVersionsByRuns(ids)),
    },
  };
}
