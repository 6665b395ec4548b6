/** Entry point: read the configuration, start the gateway over the composed supergraph. */
import { createLogger } from '@mlops/kit';
import { authConfigOf, requireInternalKey } from '@mlops/kit/config';
import { runUntilSignal } from '@mlops/kit/server';
import { config } from './env.ts';
import { startGateway } from './server.ts';

const logger = createLogger('gateway', config.log.level);
const gateway = await startGateway({
  host: config.gateway.host,
  port: config.gateway.port,
  logger,
  maxDepth: config.gateway.maxDepth,
  maxCost: config.gateway.maxCost,
  maxAliases: config.gateway.maxAliases,
  subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
  requestTimeoutMs: config.gateway.requestTimeoutMs,
  rateLimitPerMinute: config.gateway.rateLimitPerMinute,
  auth: authConfigOf(config),
  // loadConfig refuses production without it; the demo runs every service in one process (scripts/start.ts).
  internalKey: requireInternalKey(config, 'gateway'),
  urls: Object.fromEntries(Object.entries(config.subgraphs).map(([name, s]) => [name, s.url])),
});
runUntilSignal(gateway, logger, 'gateway');
