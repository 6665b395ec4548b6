/** Per-request context: fresh DataLoaders over the lineage store. */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { LineageStore, ProjectModel, ReleaseTargetModel } from './store/types.ts';

export interface Context {
  store: LineageStore;
  loaders: {
    project: DataLoader<string, ProjectModel | null>;
    target: DataLoader<string, ReleaseTargetModel | null>;
  };
}

export function createContext(store: LineageStore): Context {
  return {
    store,
    loaders: {
      project: loader((ids) => store.getProjects(ids)),
      target: loader((ids) => store.getTargets(ids)),
    },
  };
}
