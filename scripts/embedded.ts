/**
 * The embedded system: built-in platforms (seeded with the plant scenario) shared in one
 * process by the five subgraphs, each on its own port, and the gateway in front. Used by
 * `npm start`, the integration tests and the bench. The lineage graph lives in Neo4j when a
 * connection is given, otherwise in the in-memory store.
 */
import { randomBytes } from 'node:crypto';
import { createLogger, DEV_AUTH, getScenario, instrument, type AuthConfig, type Instrumented, type Logger } from '@mlops/kit';
import type { SubgraphExecutor } from '@mlops/kit/config';
import type { Listening } from '@mlops/kit/server';
import type { Scenario } from '@mlops/kit/scenario';
import { BuiltinCatalogConnector, type CatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector, type InferenceConnector } from '@mlops/connectors/inference';
import { BuiltinMonitoringConnector, type MonitoringConnector } from '@mlops/connectors/monitoring';
import { BuiltinTrainingConnector, type TrainingConnector } from '@mlops/connectors/training';
import { createRequestCounter, startGateway, type GatewayEngine, type RunningGateway } from '@mlops/gateway';
import { catalog } from '@mlops/subgraph-catalog';
import { inference } from '@mlops/subgraph-inference';
import { createLineageBackend, lineage, scenarioProjects, startDeprecationClock, startSyncLoop, type DeprecationClock, type LineageBackend, type SyncLoop, type WebhookSender } from '@mlops/subgraph-lineage';
import { MemoryLineageStore, Neo4jLineageStore, type LineageStore } from '@mlops/subgraph-lineage/store';
import { monitoring } from '@mlops/subgraph-monitoring';
import { training } from '@mlops/subgraph-training';

export type SubgraphName = 'training' | 'catalog' | 'inference' | 'monitoring' | 'lineage';
export const SUBGRAPH_NAMES: SubgraphName[] = ['training', 'catalog', 'inference', 'monitoring', 'lineage'];

export interface EmbeddedOptions {
  targets?: number;
  seed?: number;
  host?: string;
  /** Gateway port; subgraphs take the next five. 0: every service on any free port. */
  basePort?: number;
  neo4j?: { uri: string; user: string; password: string; database?: string } | null;
  /** Background sync period; 0 disables the loop (tests call `sync()` themselves). */
  syncIntervalMs?: number;
  /** How often deprecations past their date are made EFFECTIVE; 0 (the default) disables the timer (tests call `deprecationClock.runOnce()`). */
  deprecationCheckMs?: number;
  logger?: Logger;
  /** Token verification for gateway and subgraphs (default: the dev HS256 secret, anonymous = viewer). */
  auth?: AuthConfig;
  webhookSecret?: string;
  /** Gateway → subgraph trust key (default: a random one per start, since all runs in this process). */
  internalKey?: string;
  /** Gateway limits and timeouts (defaults: kit's limits, 10 s / 15 s, no rate limit). */
  gateway?: { maxDepth?: number; maxCost?: number; maxAliases?: number; subgraphTimeoutMs?: number; requestTimeoutMs?: number; rateLimitPerMinute?: number; engine?: GatewayEngine; routerBinary?: string; routerWorkers?: number };
  /** HMAC key for pushed events (besides platform-writer tokens). */
  ingestSecret?: string;
  /** The subgraphs' executor (default graphql-jit; configuration key execution.subgraphs). */
  executor?: SubgraphExecutor;
  /** Release webhooks to loopback/private addresses (default on: the demo and tests receive on 127.0.0.1). */
  allowPrivateWebhooks?: boolean;
  /** Neo4j query timeout (default 5 s). */
  neo4jQueryTimeoutMs?: number;
  /**
   * A real training platform's connector (MLflow seeded with the same scenario slice) in place of
   * the built-in registry; the other platforms stay built-in over the same scenario.
   */
  training?: TrainingConnector;
  /** A real catalog's connector (the OpenLineage intake's store) in place of the built-in one. */
  catalog?: CatalogConnector;
  /** Secret of MLflow's signed webhooks: enables the lineage subgraph's `POST /webhooks/mlflow`. */
  trainingWebhookSecret?: string;
  /**
   * A real serving platform's connector (MLServer) in place of the built-in registry; releases
   * then roll out on the real server.
   */
  inference?: InferenceConnector;
  /** A real monitoring platform's connector (Prometheus); release gates then read its alerts. */
  monitoring?: MonitoringConnector;
}

export interface Embedded {
  scenario: Scenario;
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, Listening>;
  connectors: {
    training: Instrumented<TrainingConnector>;
    catalog: Instrumented<CatalogConnector>;
    inference: Instrumented<InferenceConnector>;
    monitoring: Instrumented<MonitoringConnector>;
    lineage: Instrumented<LineageStore>;
  };
  store: LineageStore;
  backend: LineageBackend & { webhooks: WebhookSender };
  auth: AuthConfig;
  internalKey: string;
  sync: SyncLoop;
  deprecationClock: DeprecationClock;
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<Embedded> {
  const scenario = getScenario({ targets: opts.targets ?? 300, seed: opts.seed ?? 42 });
  const logger = opts.logger ?? createLogger('embedded', 'silent');
  const host = opts.host ?? '127.0.0.1';
  const port = (i: number) => (opts.basePort ? opts.basePort + i : 0);
  const auth: AuthConfig = opts.auth ?? { ...DEV_AUTH, anonymousRole: 'viewer' };
  const internalKey = opts.internalKey ?? randomBytes(32).toString('base64url');
  const store = opts.neo4j
    ? new Neo4jLineageStore(
        { database: 'neo4j', ...opts.neo4j, ...(opts.neo4jQueryTimeoutMs ? { queryTimeoutMs: opts.neo4jQueryTimeoutMs } : {}) },
        logger.child({ component: 'lineage-store' }),
      )
    : new MemoryLineageStore();
  const connectors = {
    training: instrument<TrainingConnector>(opts.training ?? new BuiltinTrainingConnector(scenario)),
    catalog: instrument<CatalogConnector>(opts.catalog ?? new BuiltinCatalogConnector(scenario)),
    inference: instrument<InferenceConnector>(opts.inference ?? new BuiltinInferenceConnector(scenario)),
    monitoring: instrument<MonitoringConnector>(opts.monitoring ?? new BuiltinMonitoringConnector(scenario)),
    lineage: instrument(store),
  };
  const projects = scenarioProjects(scenario);
  const sync = startSyncLoop(connectors.lineage, { training: connectors.training, catalog: connectors.catalog, inference: connectors.inference, projects }, logger, opts.syncIntervalMs ?? 0);
  const backend = createLineageBackend({
    store: connectors.lineage,
    rawStore: store,
    platforms: { training: connectors.training, catalog: connectors.catalog, inference: connectors.inference, monitoring: connectors.monitoring },
    auth,
    webhookSecret: opts.webhookSecret ?? 'dev-only-webhook-secret',
    ingestSecret: opts.ingestSecret,
    allowPrivateWebhooks: opts.allowPrivateWebhooks ?? true,
    logger: logger.child({ component: 'releases' }),
    trainingWebhook: { secret: opts.trainingWebhookSecret, trigger: (ids) => sync.trigger(ids) },
  });
  await sync.runOnce();
  const deprecationClock = startDeprecationClock(backend.releases.deprecations, logger, opts.deprecationCheckMs ?? 0);
  const g = opts.gateway ?? {};
  const limits = { maxDepth: g.maxDepth ?? 16, maxAliases: g.maxAliases ?? 30, maxCost: g.maxCost ?? 200_000 };
  // The apollo engine counts its subgraph requests itself (gateway/src/datasource.ts); a router's
  // requests are counted where they arrive, so tests assert the same counts through either engine.
  const arrivals = createRequestCounter();
  const counted = g.engine === 'hive-router';
  const sub = (name: SubgraphName) => ({
    host,
    port: port(SUBGRAPH_NAMES.indexOf(name) + 1),
    logger: logger.child({ component: name }),
    internalKey,
    limits,
    ...(opts.executor ? { executor: opts.executor } : {}),
    ...(counted ? { onGraphQLRequest: () => arrivals.byService.set(name, (arrivals.byService.get(name) ?? 0) + 1) } : {}),
  });
  const subgraphs: Record<SubgraphName, Listening> = {
    training: await training.start(connectors.training, sub('training')),
    catalog: await catalog.start(connectors.catalog, sub('catalog')),
    inference: await inference.start(connectors.inference, sub('inference')),
    monitoring: await monitoring.start(connectors.monitoring, sub('monitoring')),
    lineage: await lineage.start(backend, sub('lineage')),
  };
  const started = await startGateway({
    host,
    port: port(0),
    logger: logger.child({ component: 'gateway' }),
    auth,
    internalKey,
    ...limits,
    ...(g.subgraphTimeoutMs ? { subgraphTimeoutMs: g.subgraphTimeoutMs } : {}),
    ...(g.requestTimeoutMs ? { requestTimeoutMs: g.requestTimeoutMs } : {}),
    rateLimitPerMinute: g.rateLimitPerMinute ?? 0,
    urls: Object.fromEntries(Object.entries(subgraphs).map(([name, l]) => [name, l.url])),
    ...(g.engine ? { engine: g.engine } : {}),
    ...(g.routerBinary ? { routerBinary: g.routerBinary } : {}),
    ...(g.routerWorkers ? { routerWorkers: g.routerWorkers } : {}),
  });
  const gateway: RunningGateway = counted ? { ...started, subgraphRequests: arrivals } : started;
  const stopped = new Set<string>();
  return {
    scenario,
    gateway,
    subgraphs,
    connectors,
    store,
    backend,
    auth,
    internalKey,
    sync,
    deprecationClock,
    async stopSubgraph(name) {
      if (stopped.has(name)) return;
      stopped.add(name);
      await subgraphs[name].stop();
    },
    async stop() {
      sync.stop();
      deprecationClock.stop();
      await backend.webhooks.drain();
      await gateway.stop();
      for (const [name, l] of Object.entries(subgraphs)) if (!stopped.has(name)) await l.stop();
      await store.close();
    },
  };
}
