/**
 * GraphQL proxy: the browser posts to /graphql on this origin; the request goes on to the gateway
 * (GATEWAY_URL) with `Authorization: Bearer <token>`, the token being the one an authenticating
 * reverse proxy put on the request (Authorization / X-Forwarded-Access-Token) or else the one in
 * the httpOnly session cookie. Only `POST` with `content-type: application/json` (a cross-site
 * page cannot send that without a CORS preflight, which this route does not grant), at most 1 MB.
 * Nothing else of the request is forwarded: no cookies, no other headers.
 */
import { type NextRequest } from 'next/server';
import { cookieToken, isSameOrigin, proxyToken } from '@/lib/request-security';
import { gatewayUrl } from '@/lib/server-env';

export const dynamic = 'force-dynamic';

const MAX_BODY = 1_000_000;

const gqlError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers: { 'cache-control': 'no-store', ...headers } });

/** The body as text, refusing as soon as it passes `limit` bytes (a missing or lying Content-Length included). */
async function readCapped(req: NextRequest, limit: number): Promise<string | null> {
  if (Number(req.headers.get('content-length') ?? '0') > limit) return null;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function POST(req: NextRequest): Promise<Response> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return gqlError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the query as a POST with content-type: application/json');
  // A browser sends Origin on every POST: a page of another site is refused even before CORS would stop it.
  if (req.headers.get('origin') !== null && !isSameOrigin(req)) return gqlError(403, 'FORBIDDEN', 'cross-site requests are not accepted');
  const body = await readCapped(req, MAX_BODY);
  if (body === null) return gqlError(413, 'BAD_REQUEST', 'request too large');

  const headers = new Headers({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' });
  const token = proxyToken(req) ?? cookieToken(req);
  if (token) headers.set('authorization', `Bearer ${token}`);
  try {
    const res = await fetch(gatewayUrl(), { method: 'POST', headers, body, cache: 'no-store', redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    const out = new Headers({ 'content-type': res.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
  } catch {
    return gqlError(502, 'GATEWAY_UNREACHABLE', 'the gateway does not answer');
  }
}

const notAllowed = () => gqlError(405, 'METHOD_NOT_ALLOWED', 'only POST is accepted', { allow: 'POST' });

export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE, notAllowed as OPTIONS };
