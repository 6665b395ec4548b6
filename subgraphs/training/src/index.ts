/** Entry point: read the configuration, build the connector, listen until a signal. */
import { connectorFor } from '@mlops/connectors/from-config';
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { subgraphServing } from '@mlops/kit/config';
import { config, internalKey } from './env.ts';
import { training } from './server.ts';

const logger = createLogger('training', config.log.level);
const { host, port } = config.subgraphs.training;
runUntilSignal(await training.start(connectorFor(config, 'training'), { host, port, logger, internalKey, ...subgraphServing(config) }), logger, 'training subgraph');
