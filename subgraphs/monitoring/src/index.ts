/** Entry point: read the configuration, build the connector, listen until a signal. */
import { connectorFor } from '@mlops/connectors/from-config';
import { PrometheusMonitoringConnector } from '@mlops/connectors/monitoring';
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { alertmanagerRoutes } from './alertmanager-webhook.ts';
import { subgraphServing } from '@mlops/kit/config';
import { config, internalKey } from './env.ts';
import { monitoring } from './server.ts';

const logger = createLogger('monitoring', config.log.level);
const { host, port } = config.subgraphs.monitoring;
const connector = connectorFor(config, 'monitoring');
// Alertmanager's deliveries feed the same history the Prometheus connector answers resolved alerts from.
const routes = alertmanagerRoutes({
  token: config.platforms.monitoring.alertmanagerToken,
  history: connector instanceof PrometheusMonitoringConnector ? connector.alertHistory : undefined,
  logger,
});
runUntilSignal(await monitoring.start(connector, { host, port, logger, internalKey, ...subgraphServing(config), routes }), logger, 'monitoring subgraph');
