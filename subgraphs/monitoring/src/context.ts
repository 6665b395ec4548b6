/** Per-request context: fresh DataLoaders over the monitoring connector. */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { AlertModel, HealthModel, MonitoringConnector } from '@mlops/connectors/monitoring';

export interface Context {
  connector: MonitoringConnector;
  loaders: {
    deploymentHealth: DataLoader<string, HealthModel | null>;
    targetHealth: DataLoader<string, HealthModel | null>;
    modelHealth: DataLoader<string, HealthModel | null>;
    deploymentAlerts: DataLoader<string, AlertModel[]>;
    targetAlerts: DataLoader<string, AlertModel[]>;
  };
}

export function createContext(connector: MonitoringConnector): Context {
  return {
    connector,
    loaders: {
      deploymentHealth: loader((ids) => connector.healthOfDeployments(ids)),
      targetHealth: loader((ids) => connector.healthOfTargets(ids)),
      modelHealth: loader((ids) => connector.healthOfModelVersions(ids)),
      deploymentAlerts: loader((ids) => connector.alertsByDeployments(ids)),
      targetAlerts: loader((ids) => connector.alertsByTargets(ids)),
    },
  };
}
