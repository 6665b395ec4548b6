/** The only reader of process.env for the lineage subgraph. */
import { authEnv } from '@mlops/kit';
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'lineage',
  z.object({
    ...scenarioEnv,
    ...authEnv,
    WEBHOOK_SECRET: z.string().min(16).default('dev-only-webhook-secret'),
    PORT: port(4005),
    NEO4J_URI: z.string().regex(/^(neo4j|bolt)(\+s|\+ssc)?:\/\//, 'must be a neo4j:// or bolt:// URI').optional(),
    NEO4J_USER: z.string().default('neo4j'),
    NEO4J_PASSWORD: z.string().default(''),
    NEO4J_DATABASE: z.string().default('neo4j'),
    SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
  }),
);
