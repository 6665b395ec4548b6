/** The only reader of process.env for the training subgraph. */
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'training',
  z.object({
    ...scenarioEnv,
    PORT: port(4001),
    TRAINING_PLATFORM: z.enum(['builtin']).default('builtin'),
  }),
);
