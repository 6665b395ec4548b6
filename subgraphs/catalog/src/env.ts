/** The only reader of process.env for the catalog subgraph. */
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'catalog',
  z.object({
    ...scenarioEnv,
    PORT: port(4002),
    CATALOG_PLATFORM: z.enum(['builtin']).default('builtin'),
  }),
);
