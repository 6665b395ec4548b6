/**
 * Dev sign-in: POST a demo user, a role and a scope (a project id or "*"); the server signs an
 * HS256 token with the gateway's dev settings and keeps it in an httpOnly cookie, which the
 * GraphQL proxy turns into an Authorization header. POST with `signout=1` (or DELETE) clears it.
 * Works as a plain HTML form (303 back to `next`) and as JSON (`accept: application/json`).
 */
import { SignJWT } from 'jose';
import { type NextRequest } from 'next/server';
import { DEMO_USERS, isRole, SESSION_COOKIE, type Role } from '@/lib/demo-users';
import { authConfig, devSignInEnabled } from '@/lib/server-env';

export const dynamic = 'force-dynamic';

const TTL_SECONDS = 8 * 3600;

async function issue(sub: string, name: string, roles: Record<string, Role>): Promise<string> {
  const cfg = authConfig();
  return new SignJWT({ roles, name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + TTL_SECONDS)
    .sign(new TextEncoder().encode(cfg.secret));
}

/** Only same-site relative paths as redirect targets. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') ? v : '/';
}

function cookieOptions(req: NextRequest) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: req.nextUrl.protocol === 'https:' };
}

async function readInput(req: NextRequest): Promise<Record<string, string>> {
  const type = req.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    const j = (await req.json().catch(() => ({}))) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, String(v ?? '')]));
  }
  const f = await req.formData();
  return Object.fromEntries([...f.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

function reply(req: NextRequest, status: number, body: Record<string, unknown>, next: string): Response {
  const wantsJson = (req.headers.get('accept') ?? '').includes('application/json');
  if (wantsJson) return Response.json(body, { status });
  if (status >= 400) return Response.json(body, { status });
  // Relative Location: the browser resolves it against the address it used.
  return new Response(null, { status: 303, headers: { location: next } });
}

export async function POST(req: NextRequest): Promise<Response> {
  const input = await readInput(req);
  const next = safeNext(input.next);
  if (input.signout) {
    const res = reply(req, 200, { signedIn: false }, next);
    const h = new Headers(res.headers);
    h.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
    return new Response(res.body, { status: res.status, headers: h });
  }
  if (!devSignInEnabled()) return reply(req, 403, { error: { code: 'FORBIDDEN', message: 'the dev sign-in is off' } }, next);
  const user = DEMO_USERS.find((u) => u.sub === input.user);
  if (!user) return reply(req, 400, { error: { code: 'BAD_USER_INPUT', field: 'user', message: 'unknown demo user' } }, next);
  const role = input.role ? input.role : user.role;
  if (!isRole(role)) return reply(req, 400, { error: { code: 'BAD_USER_INPUT', field: 'role', message: 'unknown role' } }, next);
  const scope = input.scope && /^[A-Za-z0-9._-]{1,200}$|^\*$/.test(input.scope) ? input.scope : '*';
  const roles: Record<string, Role> = { [scope]: role };
  // Scoped to one project: viewer elsewhere, like an anonymous caller.
  if (scope !== '*') roles['*'] = 'viewer';
  const token = await issue(user.sub, user.name, roles);
  const res = reply(req, 200, { signedIn: true, sub: user.sub, roles }, next);
  const h = new Headers(res.headers);
  const o = cookieOptions(req);
  h.append('set-cookie', `${SESSION_COOKIE}=${token}; Path=${o.path}; Max-Age=${TTL_SECONDS}; HttpOnly; SameSite=Lax${o.secure ? '; Secure' : ''}`);
  return new Response(res.body, { status: res.status, headers: h });
}

export async function DELETE(): Promise<Response> {
  return new Response(null, { status: 204, headers: { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` } });
}
