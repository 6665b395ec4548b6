/**
 * Request checks shared by the route handlers: is this request same-origin (CSRF), did it come over
 * HTTPS, which token does it carry, and the one way the session cookie is written.
 * Server code only.
 */
import { SESSION_COOKIE } from '@/lib/demo-users';
import { forceSecureCookies } from '@/lib/server-env';

/** Anything with request headers: a Request, or `{ headers: await headers() }` in a server component. */
export type WithHeaders = { headers: { get(name: string): string | null } };

const first = (v: string | null): string | undefined => v?.split(',')[0]?.trim().toLowerCase() || undefined;

/**
 * The host the browser addressed. Behind a reverse proxy that rewrites Host, the proxy must pass
 * the public one in X-Forwarded-Host (a cross-site page cannot set either header on a browser's
 * request, so trusting them does not help an attacker).
 */
export function requestHost(req: WithHeaders): string | undefined {
  return first(req.headers.get('x-forwarded-host')) ?? first(req.headers.get('host'));
}

function sameHost(url: string, host: string): boolean {
  try {
    const u = new URL(url);
    // Normalise the expected host the same way (a default port in Host: "ui.example:443").
    return u.host === new URL(`${u.protocol}//${host}`).host;
  } catch {
    // "null" (an opaque origin: sandboxed frame, data: URL) and garbage are never same-origin.
    return false;
  }
}

/**
 * True when the request was sent by a page of this origin: Origin when the browser sent one,
 * else Sec-Fetch-Site, else Referer. A request with none of the three is refused too (every
 * browser of the last years sends at least one on a POST; scripts can send Origin themselves).
 * Host-based like Next's own Server Action check: the scheme is the TLS proxy's business.
 */
export function isSameOrigin(req: WithHeaders): boolean {
  const host = requestHost(req);
  if (!host) return false;
  const origin = req.headers.get('origin');
  if (origin !== null) return sameHost(origin, host);
  const site = req.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  const referer = req.headers.get('referer');
  if (referer !== null) return sameHost(referer, host);
  return false;
}

/** Served over HTTPS as far as the browser is concerned: directly, or behind a TLS-terminating proxy. */
export function isHttps(req: Request): boolean {
  if (first(req.headers.get('x-forwarded-proto')) === 'https') return true;
  try {
    return new URL(req.url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The Set-Cookie value of the session: httpOnly (no script reads the token), SameSite=Lax (not
 * sent on cross-site POSTs or subresource requests), Secure behind HTTPS or with
 * UI_SECURE_COOKIES=on. `token` null clears it (with the same attributes, or browsers keep a
 * Secure cookie).
 */
export function sessionCookie(req: Request, token: string | null, maxAgeSeconds = 0): string {
  const secure = forceSecureCookies() || isHttps(req);
  const value = token ?? '';
  const age = token === null ? 0 : Math.max(0, Math.floor(maxAgeSeconds));
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${age}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** A compact JWS (three base64url parts): the only shape a token may have to reach a header. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function isJwtShaped(v: string | undefined | null): v is string {
  return typeof v === 'string' && v.length <= 8192 && JWT_SHAPE.test(v);
}

/**
 * The token an authenticating reverse proxy (oauth2-proxy and the like) put on the request:
 * `Authorization: Bearer <jwt>`, or `X-Forwarded-Access-Token: <jwt>`. The gateway verifies it.
 */
export function proxyToken(req: WithHeaders): string | null {
  const auth = req.headers.get('authorization');
  const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null;
  if (m && isJwtShaped(m[1])) return m[1];
  const forwarded = req.headers.get('x-forwarded-access-token')?.trim();
  if (isJwtShaped(forwarded)) return forwarded;
  return null;
}

/** The token in the session cookie, if it has the shape of one. */
export function cookieToken(req: WithHeaders): string | null {
  const header = req.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const v = part.slice(eq + 1).trim();
    return isJwtShaped(v) ? v : null;
  }
  return null;
}
