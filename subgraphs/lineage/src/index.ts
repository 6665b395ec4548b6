/**
 * Entry point for running the lineage subgraph on its own: parse env, open the store (Neo4j
 * when NEO4J_URI is set, else memory), sync the built-in platforms periodically, listen.
 */
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { createLineageBackend } from './backend.ts';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { env } from './env.ts';
import { startSyncLoop } from './runtime.ts';
import { lineage } from './server.ts';
import { MemoryLineageStore } from './store/memory.ts';
import { Neo4jLineageStore } from './store/neo4j.ts';

const logger = createLogger('lineage', env.LOG_LEVEL);
const scenario = getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED });
const store = env.NEO4J_URI
  ? new Neo4jLineageStore({ uri: env.NEO4J_URI, user: env.NEO4J_USER, password: env.NEO4J_PASSWORD, database: env.NEO4J_DATABASE }, logger)
  : new MemoryLineageStore();
const platforms = {
  training: new BuiltinTrainingConnector(scenario),
  catalog: new BuiltinCatalogConnector(scenario),
  inference: new BuiltinInferenceConnector(scenario),
  monitoring: new BuiltinMonitoringConnector(scenario),
};
const backend = createLineageBackend({
  store,
  rawStore: store,
  platforms,
  auth: { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, secret: env.AUTH_SECRET, jwksUrl: env.AUTH_JWKS_URL, anonymousRole: env.AUTH_ANONYMOUS_ROLE },
  webhookSecret: env.WEBHOOK_SECRET,
  logger,
});
const loop = startSyncLoop(
  store,
  {
    ...platforms,
    projects: async () => scenario.projects.map((p) => ({ id: p.id, name: p.name, description: p.description, plant: p.plant, owners: p.owners })),
  },
  logger,
  env.SYNC_INTERVAL_MS,
);
await loop.runOnce();
runUntilSignal(await lineage.start(backend, { host: env.HOST, port: env.PORT, logger }), logger, 'lineage subgraph');
