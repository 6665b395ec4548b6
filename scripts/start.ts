/**
 * `npm start`: the demo. The whole system in one process: built-in platforms seeded with the
 * plant scenario, five subgraphs (4001–4005), the gateway (4000) and the explorer UI (3000).
 * The lineage graph lives in Neo4j when NEO4J_URI is set, else in a local Neo4j provisioned
 * from Maven Central (needs Java 17 and mvn), else in memory. Ctrl-C stops everything.
 *
 * It reads the same configuration as production (file + environment) in `demo` mode: the
 * development JWT secret and anonymous viewers unless AUTH_* say otherwise, and it says so.
 * A deployment uses `npm run serve` (scripts/serve.ts) instead.
 */
import { spawnSync } from 'node:child_process';
import { OpenLineageCatalogConnector, type CatalogConnector } from '@mlops/connectors/catalog';
import { MlflowTrainingConnector, type TrainingConnector } from '@mlops/connectors/training';
import { createLogger, DEV_AUTH, issueToken } from '@mlops/kit';
import { anonymousRole, authConfigOf, DEV_SECRETS, loadConfig } from '@mlops/kit/config';
import { parseEnv, port, z } from '@mlops/kit/env';
import { ensureUiBuild, startUi, type RunningUi } from '../ui/launcher.ts';
import { startLocalMlflow } from '../mlflow/local-server.mjs';
import { seedMlflow } from '../mlflow/seed.ts';
import { seedOpenLineage } from '../openlineage/seed.ts';
import { startEmbedded } from './embedded.ts';

const config = loadConfig(undefined, { defaults: { mode: 'demo' } });
const env = parseEnv(
  'start',
  z.object({
    BASE_PORT: port(4000),
    LINEAGE_STORE: z.enum(['auto', 'neo4j', 'memory']).default('auto'),
    UI: z.enum(['on', 'off']).default('on'),
    UI_PORT: port(3000),
    // real: start a local MLflow and seed it, and feed the catalog through the OpenLineage intake
    // with the real openlineage-python client (a 60-machine slice unless SCENARIO_TARGETS says).
    PLATFORMS: z.enum(['builtin', 'real']).default('builtin'),
  }),
);
const logger = createLogger('start', config.log.level);
const auth = authConfigOf(config);
const NEO = config.neo4j;

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

async function lineageDatabase(): Promise<{ neo4j: { uri: string; user: string; password: string; database: string } | null; stop: () => Promise<void> }> {
  const none = { neo4j: null, stop: async () => {} };
  if (env.LINEAGE_STORE === 'memory') return none;
  if (NEO.uri) return { neo4j: { uri: NEO.uri, user: NEO.user, password: NEO.password, database: NEO.database }, stop: async () => {} };
  if (!has('java', ['-version']) || !has('mvn', ['-v'])) {
    if (env.LINEAGE_STORE === 'neo4j') throw new Error('LINEAGE_STORE=neo4j but neither NEO4J_URI is set nor java and mvn are available to provision one');
    logger.warn('no NEO4J_URI and no java/mvn to provision Neo4j: the lineage graph lives in memory');
    return none;
  }
  logger.info('provisioning a local Neo4j Community 5.26 (first run downloads it with mvn)…');
  // @ts-expect-error plain JS module with JSDoc types
  const { startLocalNeo4j } = await import('../neo4j/local-server.mjs');
  try {
    const neo = await startLocalNeo4j({ log: (l: string) => logger.debug(l) });
    logger.info({ uri: neo.uri }, 'local Neo4j ready');
    return { neo4j: { uri: neo.uri, user: neo.user, password: neo.password, database: 'neo4j' }, stop: () => neo.stop() };
  } catch (e) {
    if (env.LINEAGE_STORE === 'neo4j') throw e;
    logger.warn({ err: (e as Error).message }, 'could not start a local Neo4j: the lineage graph lives in memory');
    return none;
  }
}

const db = await lineageDatabase();
const host = config.gateway.host;
const real = env.PLATFORMS === 'real';
if (real && !db.neo4j) throw new Error('PLATFORMS=real needs Neo4j (the OpenLineage intake stores its events there): set NEO4J_URI or install java and mvn');
const targets = real && !process.env.SCENARIO_TARGETS ? 60 : config.scenario.targets;
let mlflow: { url: string; stop: () => Promise<void> } | null = null;
let training: TrainingConnector | undefined;
let catalog: CatalogConnector | undefined;
if (real) {
  logger.info('PLATFORMS=real: starting a local MLflow 3.17.2 (first run installs its venv) and seeding it…');
  mlflow = await startLocalMlflow({ log: (l: string) => logger.debug(l) });
  await seedMlflow({ url: mlflow!.url, targets });
  training = new MlflowTrainingConnector({ url: mlflow!.url });
  catalog = new OpenLineageCatalogConnector({ ...db.neo4j!, database: db.neo4j!.database ?? 'neo4j' });
}
const system = await startEmbedded({
  ...(training ? { training } : {}),
  ...(catalog ? { catalog } : {}),
  targets,
  seed: config.scenario.seed,
  host,
  basePort: env.BASE_PORT,
  neo4j: db.neo4j,
  neo4jQueryTimeoutMs: NEO.queryTimeoutMs,
  syncIntervalMs: config.lineage.syncIntervalMs,
  deprecationCheckMs: config.lineage.deprecationCheckMs,
  logger,
  auth,
  webhookSecret: config.lineage.webhookSecret ?? DEV_SECRETS.webhook,
  ingestSecret: config.lineage.ingestSecret,
  allowPrivateWebhooks: config.lineage.allowPrivateWebhooks || config.mode === 'demo',
  ...(config.internal.key ? { internalKey: config.internal.key } : {}),
  executor: config.execution.subgraphs,
  gateway: {
    maxDepth: config.gateway.maxDepth,
    maxCost: config.gateway.maxCost,
    maxAliases: config.gateway.maxAliases,
    subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
    requestTimeoutMs: config.gateway.requestTimeoutMs,
    // The demo has one user at a time; a limit would only trip the browser tests.
    rateLimitPerMinute: config.mode === 'demo' ? 0 : config.gateway.rateLimitPerMinute,
    engine: config.gateway.engine,
    ...(config.gateway.routerBinary ? { routerBinary: config.gateway.routerBinary } : {}),
    ...(config.gateway.routerWorkers ? { routerWorkers: config.gateway.routerWorkers } : {}),
  },
});

if (real) {
  // The catalog learns the slice's datasets from OpenLineage RunEvents, as from any producer.
  const writer = auth.secret ? await issueToken({ issuer: auth.issuer, audience: auth.audience, secret: auth.secret }, { sub: 'openlineage-seed', roles: { '*': 'platform-writer' } }, 3600) : undefined;
  const sent = await seedOpenLineage({ url: `http://${host}:${system.subgraphs.lineage.port}`, targets, ...(writer ? { token: writer } : {}) });
  logger.info({ events: sent.sent }, 'OpenLineage events sent to the catalog intake');
}

let ui: RunningUi | null = null;
if (env.UI === 'on') {
  // Builds only when ui/.next is missing or older than the UI sources.
  ensureUiBuild((l) => logger.info(l));
  ui = await startUi({
    gatewayUrl: system.gateway.url,
    port: env.UI_PORT,
    host,
    env: {
      MLOPS_MODE: config.mode,
      AUTH_ISSUER: auth.issuer,
      AUTH_AUDIENCE: auth.audience,
      ...(auth.secret ? { AUTH_SECRET: auth.secret } : {}),
      ...(auth.jwksUrl ? { AUTH_JWKS_URL: auth.jwksUrl } : {}),
    },
  });
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await ui?.stop();
  await system.stop();
  await mlflow?.stop();
  await db.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const base = `http://${host}`;
const devSecret = auth.secret === DEV_AUTH.secret;
if (devSecret) logger.warn('tokens are verified with the public development secret: anyone can sign an admin token; set AUTH_SECRET or AUTH_JWKS_URL for anything shared');
process.stdout.write(
  [
    '',
    config.mode === 'demo'
      ? `DEMO MODE: simulated plant, everything in one process${devSecret ? ', the public development JWT secret' : ''}${anonymousRole(config) !== 'none' ? `, anonymous callers are ${anonymousRole(config)}s` : ''}. Not for a shared deployment: see "Running in production" in the README (npm run serve).`
      : 'Production configuration, run in one process by npm start (use npm run serve to run each service as its own process).',
    'MLOps traceability gateway is up:',
    ...(ui ? [`  Explorer   ${ui.url}`] : []),
    `  GraphQL    ${system.gateway.url}`,
    `  GraphiQL   ${base}:${system.gateway.port}/graphiql`,
    ...Object.entries(system.subgraphs).map(([name, l]) => `  ${name.padEnd(10)} ${l.url}`),
    `  lineage graph: ${db.neo4j ? `Neo4j at ${db.neo4j.uri}` : 'in memory'}; push events to ${base}:${system.subgraphs.lineage.port}/events, OpenLineage to ${base}:${system.subgraphs.lineage.port}/api/v1/lineage`,
    ...(mlflow ? [`  training platform: MLflow at ${mlflow.url} (seeded with ${targets} machines); catalog: the OpenLineage intake`] : []),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
