/** The explorer UI for browser tests: see ui/launcher.ts (build when stale, `next start` on a free port). */
import path from 'node:path';
import { ensureUiBuild, REPO_DIR, startUi as start, type RunningUi } from '../../ui/launcher.ts';

export { ensureUiBuild, type RunningUi };
export const REPO = REPO_DIR;
export const UI_DIR = path.join(REPO_DIR, 'ui');

/** In demo mode (the browser tests sign in through the dev sign-in, which production does not offer). */
export function startUi(gatewayUrl: string, env: Record<string, string> = {}): Promise<RunningUi> {
  return start({ gatewayUrl, env: { MLOPS_MODE: 'demo', ...env } });
}
