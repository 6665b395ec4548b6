/** Per-request context: fresh DataLoaders over the monitoring connector. */
import type DataLoader from 'dataloader';
import { loader, visibleProjects, type Identity } from '@mlops/kit';
import { inScope, type AlertModel, type HealthModel, type MonitoringConnector } from '@mlops/connectors/monitoring';

export interface Context {
  connector: MonitoringConnector;
  /** The caller the gateway vouched for (kit/server verifies the signed header). */
  caller: Identity;
  /** The projects the caller may see, null for every project: what list calls pass as `projectIds`. */
  projectIds: string[] | null;
  /** The same as a set, for checks. */
  visible: ReadonlySet<string> | null;
  /** Health and alert loaders answer null for (or leave out) what belongs to projects the caller may not see. */
  loaders: {
    deploymentHealth: DataLoader<string, HealthModel | null>;
    targetHealth: DataLoader<string, HealthModel | null>;
    modelHealth: DataLoader<string, HealthModel | null>;
    deploymentAlerts: DataLoader<string, AlertModel[]>;
    targetAlerts: DataLoader<string, AlertModel[]>;
    /** Projects of entity references, asked only for callers limited to some projects. */
    deploymentProject: DataLoader<string, string | null>;
    targetProject: DataLoader<string, string | null>;
    modelVersionProject: DataLoader<string, string | null>;
  };
}

const ANON: Identity = { sub: 'anonymous', name: 'anonymous', roles: { '*': 'viewer' }, anonymous: true };

export function createContext(connector: MonitoringConnector, _req?: unknown, caller: Identity = ANON): Context {
  const visible = visibleProjects(caller);
  const health = (hs: (HealthModel | null)[]) => hs.map((h) => (h && inScope(visible, h.projectId) ? h : null));
  const alerts = (as: AlertModel[][]) => as.map((list) => list.filter((a) => inScope(visible, a.projectId)));
  return {
    connector,
    caller,
    projectIds: visible && [...visible].sort(),
    visible,
    loaders: {
      deploymentHealth: loader(async (ids) => health(await connector.healthOfDeployments(ids))),
      targetHealth: loader(async (ids) => health(await connector.healthOfTargets(ids))),
      modelHealth: loader(async (ids) => health(await connector.healthOfModelVersions(ids))),
      deploymentAlerts: loader(async (ids) => alerts(await connector.alertsByDeployments(ids))),
      targetAlerts: loader(async (ids) => alerts(await connector.alertsByTargets(ids))),
      deploymentProject: loader((ids) => connector.projectsOfDeployments(ids)),
      targetProject: loader((ids) => connector.projectsOfTargets(ids)),
      modelVersionProject: loader((ids) => connector.projectsOfModelVersions(ids)),
    },
  };
}
