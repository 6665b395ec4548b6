/** Per-request context: fresh DataLoaders over the connector, so batching never leaks across requests. */
import type DataLoader from 'dataloader';
import { loader, visibleProjects, type Identity } from '@mlops/kit';
import { inScope, type ModelVersionModel, type TrainingConnector, type TrainingRunModel } from '@mlops/connectors/training';

export interface Context {
  connector: TrainingConnector;
  /** The caller the gateway vouched for (kit/server verifies the signed header). */
  caller: Identity;
  /** The projects the caller may see, null for every project: what list calls pass as `projectIds`. */
  projectIds: string[] | null;
  /** The same as a set, for checks. */
  visible: ReadonlySet<string> | null;
  /** Every loader answers null (or leaves out) what belongs to a project the caller may not see. */
  loaders: {
    modelVersion: DataLoader<string, ModelVersionModel | null>;
    run: DataLoader<string, TrainingRunModel | null>;
    versionsByRun: DataLoader<string, ModelVersionModel[]>;
  };
}

const ANON: Identity = { sub: 'anonymous', name: 'anonymous', roles: { '*': 'viewer' }, anonymous: true };

export function createContext(connector: TrainingConnector, _req?: unknown, caller: Identity = ANON): Context {
  const visible = visibleProjects(caller);
  const seen = <T extends { projectId: string | null }>(row: T | null): T | null => (row && inScope(visible, row.projectId) ? row : null);
  return {
    connector,
    caller,
    projectIds: visible && [...visible].sort(),
    visible,
    loaders: {
      modelVersion: loader(async (ids) => (await connector.getModelVersions(ids)).map(seen)),
      run: loader(async (ids) => (await connector.getRuns(ids)).map(seen)),
      versionsByRun: loader(async (ids) => (await connector.modelVersionsByRuns(ids)).map((vs) => vs.filter((v) => inScope(visible, v.projectId)))),
    },
  };
}
