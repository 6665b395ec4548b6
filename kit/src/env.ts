/**
 * Env parsing shared by every service's env.ts: a zod schema, all failures printed at once,
 * exit 1. Only env.ts files call this; nothing else reads process.env.
 */
import { z } from 'zod';

export { z };

/** Parses `source` with `schema`; on failure prints every problem and exits 1. */
export function parseEnv<S extends z.ZodType>(service: string, schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    process.stderr.write(`${service}: invalid configuration\n${lines.join('\n')}\n`);
    process.exit(1);
  }
  return result.data;
}

/** A TCP port (0 = any free port). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Scenario knobs every built-in platform reads, so all agree on ids. */
export const scenarioEnv = {
  SCENARIO_TARGETS: z.coerce.number().int().min(3).max(200_000).default(300),
  SCENARIO_SEED: z.coerce.number().int().default(42),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
};
