/** Per-request context: fresh DataLoaders over the serving platform connector. */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { DeploymentModel, InferenceConnector } from '@mlops/connectors/inference';

export interface Context {
  connector: InferenceConnector;
  loaders: {
    deployment: DataLoader<string, DeploymentModel | null>;
    byTarget: DataLoader<string, DeploymentModel[]>;
    byModelVersion: DataLoader<string, DeploymentModel[]>;
  };
}

export function createContext(connector: InferenceConnector): Context {
  return {
    connector,
    loaders: {
      deployment: loader((ids) => connector.getDeployments(ids)),
      byTarget: loader((ids) => connector.deploymentsByTargets(ids)),
      byModelVersion: loader((ids) => connector.deploymentsByModelVersions(ids)),
    },
  };
}
