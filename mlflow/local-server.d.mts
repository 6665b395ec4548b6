/** A running local MLflow server (see local-server.mjs). */
export interface LocalMlflow {
  url: string;
  pid: number;
  runDir: string;
  stop(): Promise<void>;
  /** Stops the server but keeps its database, for an outage test. */
  halt(): Promise<void>;
  /** Starts the halted server again on the same port with the same database. */
  resume(): Promise<void>;
}
export interface StartOptions {
  startTimeoutSec?: number;
  runDir?: string;
  env?: Record<string, string>;
  stopOnExit?: boolean;
  log?: (line: string) => void;
}
export function startLocalMlflow(options?: StartOptions): Promise<LocalMlflow>;
