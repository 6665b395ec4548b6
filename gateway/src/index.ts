/** Entry point: read the configuration, start the gateway over the composed supergraph. */
import cluster from 'node:cluster';
import { createLogger } from '@mlops/kit';
import { authConfigOf, requireInternalKey } from '@mlops/kit/config';
import { runUntilSignal } from '@mlops/kit/server';
import { config } from './env.ts';
import { createRemoteRateLimiter } from './rate-limit.ts';
import { startGateway } from './server.ts';
import { exitWithPrimary, runPrimary } from './workers.ts';

const logger = createLogger('gateway', config.log.level);
const { workers, rateLimitPerMinute } = config.gateway;
// loadConfig refuses production without it; the demo runs every service in one process (scripts/start.ts).
const internalKey = requireInternalKey(config, 'gateway');

if (workers > 1 && cluster.isPrimary) {
  // gateway/src/workers.ts: the workers share the port; the rate-limit buckets stay here.
  runPrimary({ workers, rateLimitPerMinute, logger, url: `http://${config.gateway.host}:${config.gateway.port}/graphql` });
} else {
  if (cluster.isWorker) exitWithPrimary(logger);
  const gateway = await startGateway({
    host: config.gateway.host,
    port: config.gateway.port,
    logger,
    maxDepth: config.gateway.maxDepth,
    maxCost: config.gateway.maxCost,
    maxAliases: config.gateway.maxAliases,
    subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
    requestTimeoutMs: config.gateway.requestTimeoutMs,
    rateLimitPerMinute,
    rateLimiter: cluster.isWorker ? createRemoteRateLimiter(rateLimitPerMinute) : undefined,
    auth: authConfigOf(config),
    internalKey,
    urls: Object.fromEntries(Object.entries(config.subgraphs).map(([name, s]) => [name, s.url])),
    engine: config.gateway.engine,
    routerBinary: config.gateway.routerBinary,
    routerWorkers: config.gateway.routerWorkers,
    // Without its router this process would answer every operation with an error: exit, so the
    // supervisor (scripts/serve.ts, systemd, Kubernetes) sees the failure and restarts both.
    onRouterExit: (code) => {
      logger.error({ code }, 'the hive-router engine exited; the gateway stops');
      process.exit(1);
    },
  });
  runUntilSignal(gateway, logger, cluster.isWorker ? `gateway worker ${cluster.worker!.id}` : 'gateway');
}
