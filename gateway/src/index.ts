/** Entry point: parse env, start the gateway over the composed supergraph. */
import { createLogger } from '@mlops/kit';
import { runUntilSignal } from '@mlops/kit/server';
import { env } from './env.ts';
import { startGateway } from './server.ts';

const logger = createLogger('gateway', env.LOG_LEVEL);
const gateway = await startGateway({
  host: env.HOST,
  port: env.PORT,
  logger,
  maxDepth: env.GATEWAY_MAX_DEPTH,
  maxCost: env.GATEWAY_MAX_COST,
  auth: { issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, secret: env.AUTH_SECRET, jwksUrl: env.AUTH_JWKS_URL, anonymousRole: env.AUTH_ANONYMOUS_ROLE },
  urls: {
    training: env.TRAINING_URL,
    catalog: env.CATALOG_URL,
    inference: env.INFERENCE_URL,
    monitoring: env.MONITORING_URL,
    lineage: env.LINEAGE_URL,
  },
});
runUntilSignal(gateway, logger, 'gateway');
