/**
 * Wires the lineage subgraph's backend: the graph store, the release store beside it (Neo4j
 * when the graph is in Neo4j, else memory), the workflow service and the token verifier.
 */
import type { AuthConfig, Logger } from '@mlops/kit';
import { createIngestAuth } from './ingest-auth.ts';
import { neo4jOpenLineageSink } from './openlineage/intake.ts';
import type { LineageBackend, TrainingWebhook } from './context.ts';
import { createMlflowWebhookReceiver } from './mlflow-webhook.ts';
import { MemoryReleaseStore } from './releases/memory-store.ts';
import { Neo4jReleaseStore } from './releases/neo4j-store.ts';
import { ReleaseService, type Platforms } from './releases/service.ts';
import { createWebhookSender, type WebhookSender } from './releases/webhooks.ts';
import { MemoryLineageStore } from './store/memory.ts';
import { Neo4jLineageStore } from './store/neo4j.ts';
import type { LineageStore } from './store/types.ts';

export interface BackendOptions {
  /** The store the subgraph reads (possibly wrapped, e.g. instrumented). */
  store: LineageStore;
  /** The unwrapped store, to find the Neo4j driver or wire the memory release store. */
  rawStore: MemoryLineageStore | Neo4jLineageStore;
  platforms: Platforms;
  webhookSecret: string;
  logger: Logger;
  /** Verifies the tokens of platforms pushing events (the same identity provider as the gateway). */
  auth: AuthConfig;
  /** HMAC key platforms may sign pushed events with instead of a token. */
  ingestSecret?: string | undefined;
  webhooks?: WebhookSender;
  /**
   * Accept release-policy webhook URLs on loopback and private networks (a receiver on the same
   * host, as in development and tests). Default false: such URLs are refused.
   */
  allowPrivateWebhooks?: boolean;
  /** How long an idempotency key answers retries, in ms (default 24 h). */
  idempotencyKeyTtlMs?: number;
  /**
   * MLflow's registry webhooks: the secret they are signed with, and what to do with an accepted
   * one (the sync loop's `trigger`). Without a secret, /webhooks/mlflow refuses every call.
   */
  trainingWebhook?: { secret: string | undefined; trigger: (modelVersionIds: readonly string[]) => Promise<void> };
}

export function createLineageBackend(o: BackendOptions): LineageBackend & { webhooks: WebhookSender } {
  let releaseStore;
  if (o.rawStore instanceof Neo4jLineageStore) {
    releaseStore = new Neo4jReleaseStore(o.rawStore.ex, { keyTtlMs: o.idempotencyKeyTtlMs });
  } else {
    const mem = new MemoryReleaseStore({ keyTtlMs: o.idempotencyKeyTtlMs });
    o.rawStore.pendingReleaseSource = (id) => mem.pendingFor(id);
    releaseStore = mem;
  }
  const webhooks = o.webhooks ?? createWebhookSender({ secret: o.webhookSecret, logger: o.logger });
  return {
    store: o.store,
    releases: new ReleaseService(o.store, releaseStore, o.platforms, webhooks, o.logger, { allowPrivateWebhooks: o.allowPrivateWebhooks ?? false }),
    webhooks,
    ingest: createIngestAuth({ auth: o.auth, ingestSecret: o.ingestSecret }),
    ...(o.rawStore instanceof Neo4jLineageStore ? { openlineage: neo4jOpenLineageSink(o.rawStore.ex) } : {}),
    ...(o.trainingWebhook ? { trainingWebhook: trainingWebhookOf(o.trainingWebhook, o.logger) } : {}),
  };
}

function trainingWebhookOf(w: NonNullable<BackendOptions['trainingWebhook']>, logger: Logger): TrainingWebhook {
  return {
    receiver: createMlflowWebhookReceiver({ secret: w.secret }),
    onEvent(hint) {
      if (!hint.relevant) return;
      // The pass runs after the answer: MLflow waits for nothing, and retries only on 5xx.
      w.trigger(hint.modelVersionIds).catch((e) => logger.warn({ err: (e as Error).message, hint }, 'MLflow webhook: incremental sync failed'));
    },
  };
}
