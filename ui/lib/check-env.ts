/** Startup check of the settings (Node runtime only; called from instrumentation.ts). */
import { envProblems, mode } from '@/lib/server-env';

export function checkEnvOrExit(): void {
  const problems = envProblems();
  if (problems.length > 0) {
    process.stderr.write(`explorer UI: invalid settings:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    process.exit(1);
  }
  process.stdout.write(`explorer UI: ${mode()} mode\n`);
}
