/**
 * Response headers for the gateway and its GraphiQL page: no framing, no MIME sniffing, no
 * referrer leaks, and a CSP that allows only this origin's scripts (GraphiQL's assets are
 * served locally; its small inline boot script is allowed by hash in graphiql.ts).
 */
import type http from 'node:http';

/** Express middleware, or called directly (next omitted) by the /graphql handler. */
export function securityHeaders(_req: http.IncomingMessage, res: http.ServerResponse, next?: () => void): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'same-origin');
  if (!res.getHeader('content-security-policy')) {
    res.setHeader('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  }
  next?.();
}
