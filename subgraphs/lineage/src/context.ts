/** Per-request context: the caller (verified from the forwarded token), and fresh DataLoaders. */
import type DataLoader from 'dataloader';
import type http from 'node:http';
import { loader, type Identity } from '@mlops/kit';
import type { IngestAuth } from './ingest-auth.ts';
import type { OpenLineageSink } from './openlineage/intake.ts';
import type { MlflowWebhookReceiver, WebhookHint } from './mlflow-webhook.ts';
import type { ReleaseService } from './releases/service.ts';
import type { DeprecationDoc, ReleaseDoc } from './releases/types.ts';
import { impactRefIds } from './store/types.ts';
import type {
  DatasetUsageModel,
  DeploymentSpan,
  DeprecationImpactModel,
  LineageGraphModel,
  LineageOptions,
  LineageStore,
  ProjectModel,
  ReleaseTargetModel,
  ReuseReportModel,
  TrainedOnEntry,
} from './store/types.ts';

export interface LineageBackend {
  store: LineageStore;
  releases: ReleaseService;
  /** Who may push to /events (absent: nobody). */
  ingest?: IngestAuth;
  /** Where POST /api/v1/lineage writes (the graph's Neo4j; absent on the in-memory graph). */
  openlineage?: OpenLineageSink;
  /** MLflow's registry webhooks (absent: /webhooks/mlflow refuses every call). */
  trainingWebhook?: TrainingWebhook;
}

/** Verifies MLflow's signed webhooks and hands accepted ones to the sync loop. */
export interface TrainingWebhook {
  receiver: MlflowWebhookReceiver;
  /** An accepted event: ask for an incremental pass (debounced, one at a time). */
  onEvent(hint: WebhookHint): void;
}

/**
 * Loaders for fields with arguments: one DataLoader per distinct argument set (`keyOf` names
 * it), so every item of a request asking the same question becomes one store call.
 */
function perArg<A, V>(make: (arg: A) => DataLoader<string, V>, keyOf: (arg: A) => unknown = (a) => a) {
  const cache = new Map<unknown, DataLoader<string, V>>();
  return (arg: A) => {
    const key = keyOf(arg);
    let l = cache.get(key);
    if (!l) {
      l = make(arg);
      cache.set(key, l);
    }
    return l;
  };
}

export function createContext(backend: LineageBackend, _req: http.IncomingMessage | undefined, identity: Identity) {
  const { store, releases } = backend;
  // The gateway verified the caller's token and vouched for it in a signed header (kit/server).
  const caller = Promise.resolve(identity);
  const project = loader<string, ProjectModel | null>((ids) => store.getProjects(ids));
  const target = loader<string, ReleaseTargetModel | null>((ids) => store.getTargets(ids));
  /**
   * The impact answers name targets and projects the resolvers then load; the store reads
   * them in the impact's own transaction and they are primed here (absent ones as null,
   * which is what the loaders would have found), so no second read is made.
   */
  /**
   * The same primed refs, readable without a promise: an impact names up to 3,000 targets,
   * and a resolver that answers each from here instead of `loader.load` spares the executor
   * one promise per list item (refs.ts loadTarget; BENCHMARKS.md, "Primed refs").
   */
  const primed = { target: new Map<string, ReleaseTargetModel | null>(), project: new Map<string, ProjectModel | null>() };
  const impactWithRefs = async (ids: readonly string[], limit: number) => {
    const { impacts, targets, projects } = await store.deprecationImpactWithRefs(ids, limit);
    const { targetIds, projectIds } = impactRefIds(impacts);
    const t = new Map(targets.map((x) => [x.id, x]));
    const p = new Map(projects.map((x) => [x.id, x]));
    for (const id of targetIds) {
      const v = t.get(id) ?? null;
      target.prime(id, v);
      primed.target.set(id, v);
    }
    for (const id of projectIds) {
      const v = p.get(id) ?? null;
      project.prime(id, v);
      primed.project.set(id, v);
    }
    return impacts;
  };
  return {
    store,
    releases,
    caller: () => caller,
    primed,
    loaders: {
      project,
      target,
      release: loader<string, ReleaseDoc | null>((ids) => releases.releases.getReleases(ids)),
      deprecation: loader<string, DeprecationDoc | null>((ids) => releases.releases.getDeprecations(ids)),
      activeDeprecation: loader<string, DeprecationDoc | null>((ids) => releases.releases.activeDeprecations(ids)),
      trainedOn: perArg((depth: number) => loader<string, TrainedOnEntry[]>((ids) => store.trainedOn(ids, depth), 500)),
      deployedTo: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.deployedTo(ids, at), 500)),
      servedAt: perArg((at: string | null) => loader<string, DeploymentSpan[]>((ids) => store.servedAt(ids, at), 500)),
      // The graph questions: one store call (one Neo4j transaction) per request and argument
      // set, never one per item, however many model versions or aliases ask.
      usedBy: perArg((limit: number) => loader<string, DatasetUsageModel | null>((ids) => store.usedBy(ids, limit))),
      reusedBy: perArg((limit: number) => loader<string, ReuseReportModel>((ids) => store.reusedByMany(ids, limit))),
      deprecationImpact: perArg((limit: number) => loader<string, DeprecationImpactModel | null>((ids) => impactWithRefs(ids, limit))),
      lineage: perArg(
        (o: LineageOptions) => loader<string, LineageGraphModel>((ids) => store.lineageMany(ids, o)),
        (o) => JSON.stringify([o.direction, o.depth, o.types, o.at, o.maxNodes]),
      ),
    },
  };
}

export type Context = ReturnType<typeof createContext>;
