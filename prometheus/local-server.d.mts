/** A running local Prometheus (see local-server.mjs). */
export interface LocalPrometheus {
  url: string;
  port: number;
  pid: number;
  runDir: string;
  dataDir: string;
  /** The Alertmanager's URL when one was asked for. */
  alertmanagerUrl?: string;
  /** Stops exactly this instance and deletes its run dir; idempotent. */
  stop(): Promise<void>;
}
export interface StartOptions {
  blocksDir?: string;
  rulesFile?: string | null;
  scrapeTargets?: string[];
  startTimeoutSec?: number;
  /** Starts an Alertmanager routing every alert (firing and resolved) to `webhookUrl` with `Authorization: Bearer <token>`. */
  alertmanager?: { webhookUrl: string; token: string; groupWaitSec?: number; groupIntervalSec?: number };
  log?: (line: string) => void;
}
export const DEFAULT_RULES_FILE: string;
export function ensurePrometheusInstalled(): void;
export function startLocalPrometheus(options?: StartOptions): Promise<LocalPrometheus>;
