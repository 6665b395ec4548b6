/** Entry point: parse env, build the connector, listen until a signal. */
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { env } from './env.ts';
import { inference } from './server.ts';

const logger = createLogger('inference', env.LOG_LEVEL);
const connector = new BuiltinInferenceConnector(getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED }));
runUntilSignal(await inference.start(connector, { host: env.HOST, port: env.PORT, logger }), logger, 'inference subgraph');
