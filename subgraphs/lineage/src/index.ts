/**
 * Entry point for running the lineage subgraph on its own: read the configuration, open the
 * store (Neo4j at neo4j.uri; memory only in the demo), sync every platform periodically
 * through the configured connectors, listen.
 */
import { connectorsFor } from '@mlops/connectors/from-config';
import { registerMlflowWebhook } from '@mlops/connectors/training';
import { createLogger, getScenario } from '@mlops/kit';
import { authConfigOf, DEV_SECRETS, subgraphServing } from '@mlops/kit/config';
import { runUntilSignal } from '@mlops/kit/server';
import { createLineageBackend } from './backend.ts';
import { config, internalKey } from './env.ts';
import { startDeprecationClock, startSyncLoop } from './runtime.ts';
import { scenarioProjects } from './sync/sync.ts';
import { lineage } from './server.ts';
import { MemoryLineageStore } from './store/memory.ts';
import { Neo4jLineageStore } from './store/neo4j.ts';

const logger = createLogger('lineage', config.log.level);
if (!config.neo4j.uri && config.mode === 'production') {
  process.stderr.write('lineage: invalid configuration:\n  neo4j.uri: production needs Neo4j (an in-memory graph loses releases and the audit trail on restart)\n');
  process.exit(1);
}
const { neo4j } = config;
const store = neo4j.uri
  ? new Neo4jLineageStore({ uri: neo4j.uri, user: neo4j.user, password: neo4j.password, database: neo4j.database, queryTimeoutMs: neo4j.queryTimeoutMs, maxPoolSize: neo4j.maxPoolSize }, logger)
  : new MemoryLineageStore();
const platforms = connectorsFor(config);
const scenario = getScenario({ targets: config.scenario.targets, seed: config.scenario.seed });
const loop = startSyncLoop(
  store,
  { ...platforms, projects: scenarioProjects(scenario) },
  logger,
  config.lineage.syncIntervalMs,
);
const training = config.platforms.training;
const backend = createLineageBackend({
  store,
  rawStore: store,
  platforms,
  auth: authConfigOf(config),
  ingestSecret: config.lineage.ingestSecret,
  webhookSecret: config.lineage.webhookSecret ?? DEV_SECRETS.webhook,
  allowPrivateWebhooks: config.lineage.allowPrivateWebhooks,
  logger,
  trainingWebhook: { secret: training.webhookSecret, trigger: (ids) => loop.trigger(ids) },
});
await loop.runOnce();
const clock = startDeprecationClock(backend.releases.deprecations, logger, config.lineage.deprecationCheckMs);
const { host, port } = config.subgraphs.lineage;
const listening = await lineage.start(backend, { host, port, logger, internalKey, ...subgraphServing(config) });
if (training.connector === 'mlflow' && training.url && training.webhookUrl && training.webhookSecret) {
  // Push on top of the periodic pull: MLflow calls /webhooks/mlflow on registry changes. A failure
  // here is not fatal: the periodic sync still brings every change, only later.
  registerMlflowWebhook({ mlflowUrl: training.url, receiverUrl: training.webhookUrl, secret: training.webhookSecret, token: training.token, username: training.username, password: training.password })
    .then((r) => logger.info({ webhook: r.id, action: r.action, url: training.webhookUrl }, 'MLflow webhook registered'))
    .catch((e) => logger.warn({ err: (e as Error).message }, 'MLflow webhook not registered; changes arrive with the periodic sync only'));
}
runUntilSignal(
  {
    ...listening,
    stop: async () => {
      loop.stop();
      clock.stop();
      await listening.stop();
      await store.close();
    },
  },
  logger,
  'lineage subgraph',
);
