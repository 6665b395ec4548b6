/** Entry point: read the configuration, build the connector, listen until a signal. */
import { connectorFor } from '@mlops/connectors/from-config';
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { subgraphServing } from '@mlops/kit/config';
import { config, internalKey } from './env.ts';
import { catalog } from './server.ts';

const logger = createLogger('catalog', config.log.level);
const { host, port } = config.subgraphs.catalog;
runUntilSignal(await catalog.start(connectorFor(config, 'catalog'), { host, port, logger, internalKey, ...subgraphServing(config) }), logger, 'catalog subgraph');
