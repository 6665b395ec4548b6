/** Structured JSON logs (pino). One logger per service, named by `service`. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the service logger; LOG_LEVEL is read by each service's env.ts and passed in. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
