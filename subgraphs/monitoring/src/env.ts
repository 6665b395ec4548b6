/** The only reader of process.env for the monitoring subgraph. */
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'monitoring',
  z.object({
    ...scenarioEnv,
    PORT: port(4004),
    MONITORING_PLATFORM: z.enum(['builtin']).default('builtin'),
  }),
);
