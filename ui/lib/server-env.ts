/**
 * Server-side settings of the UI (read at request time, never shipped to the browser).
 *   GATEWAY_URL   where the GraphQL proxy forwards (default http://127.0.0.1:4000/graphql)
 *   GRAPHIQL_URL  the GraphiQL link in the header (default: GATEWAY_URL with /graphiql)
 *   AUTH_SECRET / AUTH_ISSUER / AUTH_AUDIENCE  what the dev sign-in signs tokens with
 *   DEV_SIGNIN    "off" hides the dev sign-in (use a real identity provider instead)
 *
 * Import only from server code (route handlers, server components).
 */

export const DEV_AUTH_DEFAULTS = {
  issuer: 'mlops-gateway-dev',
  audience: 'mlops-gateway',
  secret: 'dev-only-secret-change-me-0123456789abcdef',
} as const;

export function gatewayUrl(): string {
  return process.env.GATEWAY_URL || 'http://127.0.0.1:4000/graphql';
}

export function graphiqlUrl(): string {
  if (process.env.GRAPHIQL_URL) return process.env.GRAPHIQL_URL;
  const u = new URL(gatewayUrl());
  u.pathname = u.pathname.replace(/\/graphql\/?$/, '') + '/graphiql';
  return u.toString();
}

export function devSignInEnabled(): boolean {
  return process.env.DEV_SIGNIN !== 'off';
}

export function authConfig() {
  return {
    issuer: process.env.AUTH_ISSUER || DEV_AUTH_DEFAULTS.issuer,
    audience: process.env.AUTH_AUDIENCE || DEV_AUTH_DEFAULTS.audience,
    secret: process.env.AUTH_SECRET || DEV_AUTH_DEFAULTS.secret,
  };
}
