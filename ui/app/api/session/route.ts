/**
 * The session cookie, changed only by a same-origin POST (no GET, no DELETE: a cross-site page
 * cannot sign anyone in or out). One of:
 *   signout=1            clears the cookie
 *   token=<jwt>          a token of the organisation's identity provider (AUTH_JWKS_URL), pasted on
 *                        the sign-in page: verified (signature, issuer, audience, expiry), then kept
 *   user, role?, scope?  the dev sign-in, demo mode only (404 in production): signs an HS256 token
 *                        with the gateway's dev settings for any demo user and any role
 * The cookie is httpOnly; the GraphQL proxy turns it into an Authorization header. Works as a
 * plain HTML form (303 to `next`) and as JSON (`accept: application/json`); errors are JSON
 * `{ error: { code, reason?, message } }`.
 */
import { SignJWT } from 'jose';
import { type NextRequest } from 'next/server';
import { DEMO_USERS, isRole, type Role } from '@/lib/demo-users';
import { verifyIdpToken } from '@/lib/idp';
import { isJwtShaped, isSameOrigin, sessionCookie } from '@/lib/request-security';
import { safeNext } from '@/lib/safe-next';
import { authConfig, devSignInEnabled, idpConfig, mode } from '@/lib/server-env';

export const dynamic = 'force-dynamic';

const DEV_TTL_SECONDS = 8 * 3600;
/** The cookie never outlives the token, nor a working day and a half. */
const MAX_COOKIE_SECONDS = 24 * 3600;
/** Browsers drop cookies over about 4 KB. */
const MAX_TOKEN_CHARS = 3800;
const MAX_BODY_BYTES = 64 * 1024;

type ErrorBody = { error: { code: string; reason?: string; field?: string; message: string } };

const fail = (status: number, error: ErrorBody['error']) => Response.json({ error } satisfies ErrorBody, { status, headers: { 'cache-control': 'no-store' } });

async function issueDevToken(sub: string, name: string, roles: Record<string, Role>): Promise<string> {
  const cfg = authConfig();
  // Only reachable in demo mode, where authConfig() supplies the dev defaults.
  if (!cfg.secret || !cfg.issuer || !cfg.audience) throw new Error('the dev sign-in has no signing settings');
  return new SignJWT({ roles, name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + DEV_TTL_SECONDS)
    .sign(new TextEncoder().encode(cfg.secret));
}

async function readInput(req: NextRequest): Promise<Record<string, string> | null> {
  const length = Number(req.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) return null;
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  try {
    if (type === 'application/json') {
      const j = (await req.json()) as unknown;
      if (!j || typeof j !== 'object' || Array.isArray(j)) return null;
      return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' ? String(v) : '']));
    }
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      const f = await req.formData();
      return Object.fromEntries([...f.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    }
  } catch {
    return null;
  }
  return null;
}

/** Success: JSON for fetch callers, else a 303 to `next` (relative: the browser resolves it against the address it used). */
function done(req: NextRequest, body: Record<string, unknown>, next: string, setCookie: string): Response {
  const wantsJson = (req.headers.get('accept') ?? '').includes('application/json');
  const headers = new Headers({ 'set-cookie': setCookie, 'cache-control': 'no-store' });
  if (wantsJson) return Response.json(body, { status: 200, headers });
  headers.set('location', next);
  return new Response(null, { status: 303, headers });
}

export async function POST(req: NextRequest): Promise<Response> {
  const input = await readInput(req);
  if (!input) return fail(400, { code: 'BAD_USER_INPUT', message: 'send a form or a JSON object (at most 64 KB)' });
  const action = input.signout ? 'signout' : input.token !== undefined ? 'token' : 'dev';
  // What this server does not offer answers 404 to everyone, same-origin or not.
  if (action === 'dev' && !devSignInEnabled()) {
    return fail(404, {
      code: 'NOT_FOUND',
      reason: 'dev_signin_off',
      message: mode() === 'demo' ? 'the dev sign-in is off on this server (DEV_SIGNIN=off)' : 'there is no dev sign-in in production mode',
    });
  }
  const idp = idpConfig();
  if (action === 'token' && !idp) return fail(404, { code: 'NOT_FOUND', reason: 'no_identity_provider', message: 'no identity provider is configured on this server (AUTH_JWKS_URL)' });
  // Before anything changes: a cross-site request signs no one in or out, whatever it carries.
  if (!isSameOrigin(req)) return fail(403, { code: 'FORBIDDEN', reason: 'cross_site', message: 'the session can only be changed from this site' });
  const next = safeNext(input.next);

  if (action === 'signout') return done(req, { signedIn: false }, next, sessionCookie(req, null));

  if (action === 'token' && idp) {
    const token = (input.token ?? '').trim().replace(/^Bearer\s+/i, '');
    if (token.length > MAX_TOKEN_CHARS) return fail(400, { code: 'BAD_USER_INPUT', field: 'token', message: 'the token is too large to keep in a cookie' });
    if (!isJwtShaped(token)) return fail(401, { code: 'UNAUTHENTICATED', reason: 'malformed', message: 'this is not a valid token' });
    const check = await verifyIdpToken(token, idp);
    if (!check.ok) {
      const code = check.status === 503 ? 'IDP_UNAVAILABLE' : 'UNAUTHENTICATED';
      return fail(check.status, { code, reason: check.reason, message: check.message });
    }
    const ttl = Math.min(check.exp - Math.floor(Date.now() / 1000), MAX_COOKIE_SECONDS);
    if (ttl <= 0) return fail(401, { code: 'UNAUTHENTICATED', reason: 'expired', message: 'the token has expired' });
    return done(req, { signedIn: true, sub: check.sub }, next, sessionCookie(req, token, ttl));
  }

  const user = DEMO_USERS.find((u) => u.sub === input.user);
  if (!user) return fail(400, { code: 'BAD_USER_INPUT', field: 'user', message: 'unknown demo user' });
  const role = input.role ? input.role : user.role;
  if (!isRole(role)) return fail(400, { code: 'BAD_USER_INPUT', field: 'role', message: 'unknown role' });
  const scope = input.scope && /^[A-Za-z0-9._-]{1,200}$|^\*$/.test(input.scope) ? input.scope : '*';
  const roles: Record<string, Role> = { [scope]: role };
  // Scoped to one project: viewer elsewhere, like an anonymous caller.
  if (scope !== '*') roles['*'] = 'viewer';
  const token = await issueDevToken(user.sub, user.name, roles);
  return done(req, { signedIn: true, sub: user.sub, roles }, next, sessionCookie(req, token, DEV_TTL_SECONDS));
}
