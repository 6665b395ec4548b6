/** Entry point: parse env, open the lineage store, listen until a signal. */
import { createLogger, getScenario } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { env } from './env.ts';
import { lineage } from './server.ts';
import { MemoryLineageStore } from './store/memory.ts';

const logger = createLogger('lineage', env.LOG_LEVEL);
const store = MemoryLineageStore.fromScenario(getScenario({ targets: env.SCENARIO_TARGETS, seed: env.SCENARIO_SEED }));
runUntilSignal(await lineage.start(store, { host: env.HOST, port: env.PORT, logger }), logger, 'lineage subgraph');
