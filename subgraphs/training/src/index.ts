/** Entry point: parse env, build the connector, listen until a signal. */
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { env } from './env.ts';
import { training } from './server.ts';

const logger = createLogger('training', env.LOG_LEVEL);
const connector = new BuiltinTrainingConnector(getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED }));
runUntilSignal(await training.start(connector, { host: env.HOST, port: env.PORT, logger }), logger, 'training subgraph');
