/** The only reader of process.env for the inference subgraph. */
import { parseEnv, port, scenarioEnv, z } from '@mlops/kit/env';

export const env = parseEnv(
  'inference',
  z.object({
    ...scenarioEnv,
    PORT: port(4003),
    INFERENCE_PLATFORM: z.enum(['builtin']).default('builtin'),
  }),
);
