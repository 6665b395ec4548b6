/** Entry point: read the configuration, build the connector, listen until a signal. */
import { connectorFor } from '@mlops/connectors/from-config';
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { config, internalKey } from './env.ts';
import { inference } from './server.ts';

const logger = createLogger('inference', config.log.level);
const { host, port } = config.subgraphs.inference;
const limits = { maxDepth: config.gateway.maxDepth, maxAliases: config.gateway.maxAliases, maxCost: config.gateway.maxCost };
runUntilSignal(await inference.start(connectorFor(config, 'inference'), { host, port, logger, internalKey, limits }), logger, 'inference subgraph');
