/** Per-request context: fresh DataLoaders over the lineage store (one per argument value). */
import type DataLoader from 'dataloader';
import { loader } from '@mlops/kit';
import type { DatasetUsageModel, DeploymentSpan, LineageStore, ProjectModel, ReleaseTargetModel, TrainedOnEntry } from './store/types.ts';

/** Loaders for list fields with an argument: one DataLoader per distinct argument value. */
function perArg<A, V>(make: (arg: A) => DataLoader<string, V>) {
  const cache = new Map<A, DataLoader<string, V>>();
  return (arg: A) => {
    let l = cache.get(arg);
    if (!l) {
      l = make(arg);
      cache.set(arg, l);
    }
    return l;
  };
}

export function createContext(store: LineageStore) {
  return {
    store,
    loaders: {
      project: loader<string, ProjectModel | null>((ids) => store.getProjects(ids)),
      target: loader<string, ReleaseTargetModel | null>((ids) => store.getTargets(ids)),
      trainedOn: perArg((depth: number) => loader<string, TrainedOnEntry[]>((ids) => store.trainedOn(ids, depth), 500)),
      deployedTo: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.deployedTo(ids, at), 500)),
      servedAt: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.servedAt(ids, at), 500)),
      usedBy: perArg((limit: number) => loader<string, DatasetUsageModel | null>((ids) => store.usedBy(ids, limit), 100)),
    },
  };
}

export type Context = ReturnType<typeof createContext>;
