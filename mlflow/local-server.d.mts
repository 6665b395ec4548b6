/** A running local MLflow server (see local-server.mjs). */
export interface LocalMlflow {
  url: string;
  pid: number;
  runDir: string;
  stop(): Promise<void>;
}
export interface StartOptions {
  startTimeoutSec?: number;
  runDir?: string;
  env?: Record<string, string>;
  stopOnExit?: boolean;
  log?: (line: string) => void;
}
export function startLocalMlflow(options?: StartOptions): Promise<LocalMlflow>;
