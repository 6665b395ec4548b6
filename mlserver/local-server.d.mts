/** A running local MLServer (see local-server.mjs). */
export interface LocalMlserver {
  url: string;
  grpcPort: number;
  metricsPort: number;
  pid: number;
  runDir: string;
  modelRepository: string;
  implementation: string;
  stop(): Promise<void>;
}
export interface StartOptions {
  startTimeoutSec?: number;
  runDir?: string;
  stopOnExit?: boolean;
  keepRunDir?: boolean;
  log?: (line: string) => void;
  ports?: { http: number; grpc: number; metrics: number };
}
export function startLocalMlserver(options?: StartOptions): Promise<LocalMlserver>;
