/**
 * Runs once when the Next server starts: a bad setting (MLOPS_MODE=prod, a JWKS URL without
 * issuer and audience…) stops the server with every problem listed, instead of surfacing later as
 * a sign-in that silently does not work.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkEnvOrExit } = await import('./lib/check-env');
    checkEnvOrExit();
  }
}
