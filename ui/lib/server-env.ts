/**
 * Server-side settings of the UI: the only reader of process.env in ui/. Read at request time
 * (never baked in at build time, never shipped to the browser); `checkEnv()` runs once when the
 * server starts (instrumentation.ts) and stops it on a bad setting.
 *
 *   MLOPS_MODE         demo | production (default production: safe by default). Demo offers the
 *                      passwordless dev sign-in and signs with the built-in dev secret.
 *   DEV_SIGNIN         on | off (default on): off disables the dev sign-in in demo mode too
 *   GATEWAY_URL        where the GraphQL proxy forwards (default http://127.0.0.1:4000/graphql)
 *   GRAPHIQL_URL       the GraphiQL link in the header (default: GATEWAY_URL with /graphiql)
 *   AUTH_JWKS_URL      the identity provider's JWKS: enables the token sign-in (production)
 *   AUTH_ISSUER / AUTH_AUDIENCE  what IdP tokens must carry (iss/aud); in demo mode also what
 *                      dev tokens are issued with (default: the gateway's dev values)
 *   AUTH_SECRET        demo mode only: the HS256 secret of dev tokens (default: the dev secret)
 *   UI_SECURE_COOKIES  on | auto (default auto): on always marks the session cookie Secure; auto
 *                      does when the request came over HTTPS (X-Forwarded-Proto: https)
 *
 * Import only from server code (route handlers, server components, proxy.ts).
 */

export const DEV_AUTH_DEFAULTS = {
  issuer: 'mlops-gateway-dev',
  audience: 'mlops-gateway',
  secret: 'dev-only-secret-change-me-0123456789abcdef',
} as const;

export type Mode = 'demo' | 'production';

const env = (name: string): string | undefined => {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
};

/** Anything but an explicit `demo` is production: a typo never opens the dev sign-in. */
export function mode(): Mode {
  return env('MLOPS_MODE') === 'demo' ? 'demo' : 'production';
}

export function gatewayUrl(): string {
  return env('GATEWAY_URL') ?? 'http://127.0.0.1:4000/graphql';
}

export function graphiqlUrl(): string {
  const explicit = env('GRAPHIQL_URL');
  if (explicit) return explicit;
  const u = new URL(gatewayUrl());
  u.pathname = u.pathname.replace(/\/graphql\/?$/, '') + '/graphiql';
  return u.toString();
}

/** The passwordless dev sign-in: demo mode only, and DEV_SIGNIN=off turns it off there too. */
export function devSignInEnabled(): boolean {
  return mode() === 'demo' && env('DEV_SIGNIN') !== 'off';
}

/** Always mark the session cookie Secure (UI_SECURE_COOKIES=on), not only behind HTTPS. */
export function forceSecureCookies(): boolean {
  return env('UI_SECURE_COOKIES') === 'on';
}

/**
 * What the dev sign-in signs with. The built-in dev secret, issuer and audience are defaults in
 * demo mode only: in production `secret` is whatever AUTH_SECRET says (possibly undefined), so
 * nothing can ever sign with the secret published in this repository.
 */
export function authConfig(): { issuer: string | undefined; audience: string | undefined; secret: string | undefined } {
  if (mode() === 'demo') {
    return {
      issuer: env('AUTH_ISSUER') ?? DEV_AUTH_DEFAULTS.issuer,
      audience: env('AUTH_AUDIENCE') ?? DEV_AUTH_DEFAULTS.audience,
      secret: env('AUTH_SECRET') ?? DEV_AUTH_DEFAULTS.secret,
    };
  }
  return { issuer: env('AUTH_ISSUER'), audience: env('AUTH_AUDIENCE'), secret: env('AUTH_SECRET') };
}

export interface IdpConfig {
  jwksUrl: URL;
  issuer: string;
  audience: string;
}

/** The identity provider whose tokens the UI accepts, or null when AUTH_JWKS_URL is not set. */
export function idpConfig(): IdpConfig | null {
  const jwks = env('AUTH_JWKS_URL');
  if (!jwks) return null;
  const { issuer, audience } = authConfig();
  if (!issuer || !audience) return null;
  return { jwksUrl: new URL(jwks), issuer, audience };
}

/** Every problem with the settings at once (empty when they are fine). */
export function envProblems(): string[] {
  const problems: string[] = [];
  const oneOf = (name: string, allowed: string[]) => {
    const v = env(name);
    if (v !== undefined && !allowed.includes(v)) problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
  };
  const url = (name: string) => {
    const v = env(name);
    if (v === undefined) return;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      problems.push(`${name} must be an http(s) URL (got "${v}")`);
    }
  };
  oneOf('MLOPS_MODE', ['demo', 'production']);
  oneOf('DEV_SIGNIN', ['on', 'off']);
  oneOf('UI_SECURE_COOKIES', ['on', 'auto']);
  url('GATEWAY_URL');
  url('GRAPHIQL_URL');
  url('AUTH_JWKS_URL');
  const secret = env('AUTH_SECRET');
  if (secret !== undefined && secret.length < 32) problems.push('AUTH_SECRET must have at least 32 characters');
  if (mode() === 'production' && env('AUTH_JWKS_URL') && (!env('AUTH_ISSUER') || !env('AUTH_AUDIENCE'))) {
    problems.push('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE in production mode (the iss and aud the identity provider puts in its tokens)');
  }
  return problems;
}
