/**
 * GraphQL proxy: the browser posts to /graphql on this origin; the request goes on to the gateway
 * (GATEWAY_URL) with `Authorization: Bearer <token>` taken from the httpOnly session cookie.
 */
import { cookies } from 'next/headers';
import { type NextRequest } from 'next/server';
import { SESSION_COOKIE } from '@/lib/demo-users';
import { gatewayUrl } from '@/lib/server-env';

export const dynamic = 'force-dynamic';

const FORWARD = ['content-type', 'accept', 'x-request-id', 'apollo-require-preflight'];
const MAX_BODY = 1_000_000;

async function forward(req: NextRequest, body: string | null): Promise<Response> {
  const headers = new Headers();
  for (const h of FORWARD) {
    const v = req.headers.get(h);
    if (v) headers.set(h, v);
  }
  if (!headers.has('content-type') && body !== null) headers.set('content-type', 'application/json');
  // GET needs a non-simple header to pass the gateway's CSRF prevention.
  if (body === null) headers.set('apollo-require-preflight', 'true');
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) headers.set('authorization', `Bearer ${token}`);
  const target = new URL(gatewayUrl());
  if (body === null) target.search = req.nextUrl.search;
  try {
    const res = await fetch(target, { method: body === null ? 'GET' : 'POST', headers, body, cache: 'no-store', signal: AbortSignal.timeout(60_000) });
    const out = new Headers({ 'content-type': res.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: out });
  } catch {
    return Response.json(
      { errors: [{ message: 'the gateway does not answer', extensions: { code: 'GATEWAY_UNREACHABLE' } }] },
      { status: 502, headers: { 'cache-control': 'no-store' } },
    );
  }
}

export async function POST(req: NextRequest): Promise<Response> {
  const body = await req.text();
  if (body.length > MAX_BODY) {
    return Response.json({ errors: [{ message: 'request too large', extensions: { code: 'BAD_REQUEST' } }] }, { status: 413 });
  }
  return forward(req, body);
}

export async function GET(req: NextRequest): Promise<Response> {
  return forward(req, null);
}
