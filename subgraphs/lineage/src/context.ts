/** Per-request context: the caller (verified from the forwarded token), and fresh DataLoaders. */
import type DataLoader from 'dataloader';
import type express from 'express';
import { loader, type Identity, type Verifier } from '@mlops/kit';
import type { ReleaseService } from './releases/service.ts';
import type { ReleaseDoc } from './releases/types.ts';
import type { DatasetUsageModel, DeploymentSpan, LineageStore, ProjectModel, ReleaseTargetModel, TrainedOnEntry } from './store/types.ts';

export interface LineageBackend {
  store: LineageStore;
  releases: ReleaseService;
  verifier: Verifier;
}

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

export function createContext(backend: LineageBackend, req?: express.Request) {
  const { store, releases } = backend;
  // Verified once per request, lazily: only fields that need the caller pay for it, and a bad
  // token fails those fields with UNAUTHENTICATED rather than the whole request.
  let caller: Promise<Identity> | null = null;
  return {
    store,
    releases,
    caller: () => (caller ??= backend.verifier.identify(req?.headers.authorization)),
    loaders: {
      project: loader<string, ProjectModel | null>((ids) => store.getProjects(ids)),
      target: loader<string, ReleaseTargetModel | null>((ids) => store.getTargets(ids)),
      release: loader<string, ReleaseDoc | null>((ids) => releases.releases.getReleases(ids)),
      trainedOn: perArg((depth: number) => loader<string, TrainedOnEntry[]>((ids) => store.trainedOn(ids, depth), 500)),
      deployedTo: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.deployedTo(ids, at), 500)),
      servedAt: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.servedAt(ids, at), 500)),
      usedBy: perArg((limit: number) => loader<string, DatasetUsageModel | null>((ids) => store.usedBy(ids, limit), 100)),
    },
  };
}

export type Context = ReturnType<typeof createContext>;
