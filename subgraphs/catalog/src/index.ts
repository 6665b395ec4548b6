/** Entry point: parse env, build the connector, listen until a signal. */
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { env } from './env.ts';
import { catalog } from './server.ts';

const logger = createLogger('catalog', env.LOG_LEVEL);
const connector = new BuiltinCatalogConnector(getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED }));
runUntilSignal(await catalog.start(connector, { host: env.HOST, port: env.PORT, logger }), logger, 'catalog subgraph');
