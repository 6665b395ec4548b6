/** Entry point: read the configuration, build the connector, listen until a signal. */
import express from 'express';
import { connectorFor } from '@mlops/connectors/from-config';
import { mountConnectorHost } from '@mlops/connectors/remote';
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { subgraphServing } from '@mlops/kit/config';
import { config, internalKey } from './env.ts';
import { inference } from './server.ts';

const logger = createLogger('inference', config.log.level);
const { host, port } = config.subgraphs.inference;
const connector = connectorFor(config, 'inference');
// The serving platform is the one platform others write to (the lineage subgraph rolls releases
// out through it). When it is the built-in one, this process owns it and lends it to the lineage
// process over the internal RPC (internal key required), so both see the same deployments.
const lend = config.platforms.inference.connector === 'builtin' && !config.platforms.inference.url;
const routes = lend ? (app: express.Express) => mountConnectorHost(app, { inference: connector }, internalKey, express) : undefined;
runUntilSignal(await inference.start(connector, { host, port, logger, internalKey, ...subgraphServing(config), ...(routes ? { routes } : {}) }), logger, 'inference subgraph');
