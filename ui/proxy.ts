/**
 * Content-Security-Policy with a fresh nonce per request (Next 16's `proxy.ts`, formerly
 * middleware). The App Router inlines scripts (the RSC payload, the bootstrap): Next reads the
 * nonce from the request's CSP header and puts it on every script it renders, so script-src needs
 * no 'unsafe-inline'. That only works for dynamically rendered pages, which every page here is
 * (the root layout is force-dynamic). The other security headers come from next.config.ts.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { isHttps } from '@/lib/request-security';
import { forceSecureCookies } from '@/lib/server-env';

function contentSecurityPolicy(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    // React's dev tooling evaluates code; a production build never does.
    `script-src 'self' 'nonce-${nonce}'${process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''}`,
    // Style attributes (React Flow positions nodes with them) cannot carry a nonce, and a nonce
    // would switch 'unsafe-inline' off: inline styles stay allowed. Styles cannot run script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const csp = contentSecurityPolicy(nonce, isHttps(request) || forceSecureCookies());
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  return response;
}
