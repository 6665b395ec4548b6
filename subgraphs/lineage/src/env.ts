/** The only reader of process.env for the lineage subgraph. */
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'lineage',
  z.object({
    ...scenarioEnv,
    PORT: port(4005),
  }),
);
