/**
 * `npm start`: the whole system in one process: built-in platforms seeded with the plant
 * scenario, five subgraphs (4001–4005), the gateway (4000) and the explorer UI (3000). The lineage graph lives in Neo4j
 * when NEO4J_URI is set, else in a local Neo4j provisioned from Maven Central (needs Java 17
 * and mvn), else in memory. Ctrl-C stops everything (and the local Neo4j).
 */
import { spawnSync } from 'node:child_process';
import { createLogger } from '@mlops/kit';
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';
import { ensureUiBuild, startUi, type RunningUi } from '../ui/launcher.ts';
import { startEmbedded } from './embedded.ts';

const env = parseEnv(
  'start',
  z.object({
    ...scenarioEnv,
    BASE_PORT: port(4000),
    LINEAGE_STORE: z.enum(['auto', 'neo4j', 'memory']).default('auto'),
    NEO4J_URI: z.string().optional(),
    NEO4J_USER: z.string().default('neo4j'),
    NEO4J_PASSWORD: z.string().default(''),
    NEO4J_DATABASE: z.string().default('neo4j'),
    SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
    UI: z.enum(['on', 'off']).default('on'),
    UI_PORT: port(3000),
  }),
);
const logger = createLogger('start', env.LOG_LEVEL);

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

async function lineageDatabase(): Promise<{ neo4j: { uri: string; user: string; password: string; database: string } | null; stop: () => Promise<void> }> {
  const none = { neo4j: null, stop: async () => {} };
  if (env.LINEAGE_STORE === 'memory') return none;
  if (env.NEO4J_URI) return { neo4j: { uri: env.NEO4J_URI, user: env.NEO4J_USER, password: env.NEO4J_PASSWORD, database: env.NEO4J_DATABASE }, stop: async () => {} };
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
const system = await startEmbedded({
  targets: env.SCENARIO_TARGETS,
  seed: env.SCENARIO_SEED,
  host: env.HOST,
  basePort: env.BASE_PORT,
  neo4j: db.neo4j,
  syncIntervalMs: env.SYNC_INTERVAL_MS,
  logger,
});

let ui: RunningUi | null = null;
if (env.UI === 'on') {
  // Builds only when ui/.next is missing or older than the UI sources.
  ensureUiBuild((l) => logger.info(l));
  ui = await startUi({ gatewayUrl: system.gateway.url, port: env.UI_PORT, host: env.HOST });
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await ui?.stop();
  await system.stop();
  await db.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

const base = `http://${env.HOST}`;
process.stdout.write(
  [
    '',
    'MLOps traceability gateway is up:',
    ...(ui ? [`  Explorer   ${ui.url}`] : []),
    `  GraphQL    ${system.gateway.url}`,
    `  GraphiQL   ${base}:${system.gateway.port}/graphiql`,
    ...Object.entries(system.subgraphs).map(([name, l]) => `  ${name.padEnd(10)} ${l.url}`),
    `  lineage graph: ${db.neo4j ? `Neo4j at ${db.neo4j.uri}` : 'in memory'}; push events to ${base}:${system.subgraphs.lineage.port}/events`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
