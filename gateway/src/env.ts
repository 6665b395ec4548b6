/** The only reader of process.env for the gateway. */
import { authEnv } from '@mlops/kit';
import { parseEnv, port, z } from '@mlops/kit/env';

const url = z.string().url();

export const env = parseEnv(
  'gateway',
  z.object({
    ...authEnv,
    PORT: port(4000),
    HOST: z.string().default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRAINING_URL: url.default('http://127.0.0.1:4001/graphql'),
    CATALOG_URL: url.default('http://127.0.0.1:4002/graphql'),
    INFERENCE_URL: url.default('http://127.0.0.1:4003/graphql'),
    MONITORING_URL: url.default('http://127.0.0.1:4004/graphql'),
    LINEAGE_URL: url.default('http://127.0.0.1:4005/graphql'),
    GATEWAY_MAX_DEPTH: z.coerce.number().int().min(1).max(50).default(16),
    GATEWAY_MAX_COST: z.coerce.number().int().min(100).default(200_000),
  }),
);
