/** Entry point: parse env, build the connector, listen until a signal. */
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { env } from './env.ts';
import { monitoring } from './server.ts';

const logger = createLogger('monitoring', env.LOG_LEVEL);
const connector = new BuiltinMonitoringConnector(getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED }));
runUntilSignal(await monitoring.start(connector, { host: env.HOST, port: env.PORT, logger }), logger, 'monitoring subgraph');
