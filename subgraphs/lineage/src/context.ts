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

/** Values for `ids` from `known` where it has them, the rest from `read` (not called when none are left). */
async function knownFirst<V>(known: ReadonlyMap<string, V>, ids: readonly string[], read: (ids: readonly string[]) => Promise<V[]>): Promise<V[]> {
  const rest = ids.filter((id) => !known.has(id));
  if (rest.length === 0) return ids.map((id) => known.get(id)!);
  const got = new Map(rest.map((id, i) => [id, i]));
  const values = await read(rest);
  return ids.map((id) => (known.has(id) ? known.get(id)! : values[got.get(id)!]!));
}

export function createContext(backend: LineageBackend, _req: http.IncomingMessage | undefined, identity: Identity) {
  const { store, releases } = backend;
  // The gateway verified the caller's token and vouched for it in a signed header (kit/server).
  const caller = Promise.resolve(identity);
  /**
   * Targets and projects the request already read, answered without a store call: an impact
   * answer names up to 3,000 targets, read in the impact's own transaction (absent ones as null,
   * which is what the store would have said). Resolvers read it without a promise per list item
   * (refs.ts loadTarget; BENCHMARKS.md, "Primed refs"); the loaders below ask the store only for
   * the rest.
   */
  const primed = { target: new Map<string, ReleaseTargetModel | null>(), project: new Map<string, ProjectModel | null>() };
  const project = loader<string, ProjectModel | null>((ids) => knownFirst(primed.project, ids, (rest) => store.getProjects(rest)));
  const target = loader<string, ReleaseTargetModel | null>((ids) => knownFirst(primed.target, ids, (rest) => store.getTargets(rest)));
  const impactWithRefs = async (ids: readonly string[], limit: number) => {
    const { impacts, targets, projects } = await store.deprecationImpactWithRefs(ids, limit);
    const { targetIds, projectIds } = impactRefIds(impacts);
    const t = new Map(targets.map((x) => [x.id, x]));
    const p = new Map(projects.map((x) => [x.id, x]));
    for (const id of targetIds) primed.target.set(id, t.get(id) ?? null);
    for (const id of projectIds) primed.project.set(id, p.get(id) ?? null);
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
