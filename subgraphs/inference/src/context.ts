/** Per-request context: fresh DataLoaders over the serving platform connector. */
import type DataLoader from 'dataloader';
import { loader, visibleProjects, type Identity } from '@mlops/kit';
import { inScope, type DeploymentModel, type InferenceConnector } from '@mlops/connectors/inference';

export interface Context {
  connector: InferenceConnector;
  /** The caller the gateway vouched for (kit/server verifies the signed header). */
  caller: Identity;
  /** The projects the caller may see, null for every project: what list calls pass as `projectIds`. */
  projectIds: string[] | null;
  /** The same as a set, for checks. */
  visible: ReadonlySet<string> | null;
  /** Deployment loaders answer null for (or leave out) deployments on targets of projects the caller may not see. */
  loaders: {
    deployment: DataLoader<string, DeploymentModel | null>;
    byTarget: DataLoader<string, DeploymentModel[]>;
    byModelVersion: DataLoader<string, DeploymentModel[]>;
    /** Projects of entity references, asked only for callers limited to some projects. */
    targetProject: DataLoader<string, string | null>;
    modelVersionProject: DataLoader<string, string | null>;
  };
}

const ANON: Identity = { sub: 'anonymous', name: 'anonymous', roles: { '*': 'viewer' }, anonymous: true };

export function createContext(connector: InferenceConnector, _req?: unknown, caller: Identity = ANON): Context {
  const visible = visibleProjects(caller);
  const seen = (d: DeploymentModel) => inScope(visible, d.projectId);
  // A caller who sees every project (visible === null) gets the platform's lists as they are:
  // copying each target's history per request was most of this subgraph's own CPU.
  const keepSeen = (ds: DeploymentModel[]) => (visible ? ds.filter(seen) : ds);
  return {
    connector,
    caller,
    projectIds: visible && [...visible].sort(),
    visible,
    loaders: {
      deployment: loader(async (ids) => (await connector.getDeployments(ids)).map((d) => (d && seen(d) ? d : null))),
      byTarget: loader(async (ids) => (await connector.deploymentsByTargets(ids)).map(keepSeen)),
      byModelVersion: loader(async (ids) => (await connector.deploymentsByModelVersions(ids)).map(keepSeen)),
      targetProject: loader((ids) => connector.projectsOfTargets(ids)),
      modelVersionProject: loader((ids) => connector.projectsOfModelVersions(ids)),
    },
  };
}
