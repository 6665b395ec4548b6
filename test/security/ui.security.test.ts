/**
 * The explorer UI's production hardening, against the real built app (`next start` through
 * ui/launcher.ts): modes (no dev sign-in in production), CSRF on the session route, redirect
 * targets, cookie flags, security headers with a CSP nonce, the GraphQL proxy's limits, and the
 * sign-in with an identity provider's token checked against a JWKS this test serves.
 *
 * The gateway is a small real HTTP server started here that records what reaches it and answers
 * JSON; the identity provider is another one serving the JWKS of an RS256 key pair made here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuild, startUi, type RunningUi } from '../../ui/launcher.ts';
import { safeNext } from '../../ui/lib/safe-next.ts';
import { authConfig, DEV_AUTH_DEFAULTS, devSignInEnabled, envProblems, mode } from '../../ui/lib/server-env.ts';

const ISSUER = 'https://idp.test.example/realms/mlops';
const AUDIENCE = 'mlops-explorer';
const SESSION = 'mlops_session';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Settings of the parent environment that would change what is tested: blank them. */
const NEUTRAL = { MLOPS_MODE: '', DEV_SIGNIN: '', UI_SECURE_COOKIES: '', AUTH_JWKS_URL: '', AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_SECRET: '', GRAPHIQL_URL: '' };

const cookiesOf = (r: Response) => r.headers.getSetCookie();
const sessionCookieOf = (r: Response) => cookiesOf(r).find((c) => c.startsWith(`${SESSION}=`));
const tokenIn = (setCookie: string | undefined) => setCookie?.split(';')[0]!.slice(SESSION.length + 1);

describe('explorer UI security (real next start)', () => {
  let gateway: { url: string; close: () => Promise<void> };
  let idp: { url: string; close: () => Promise<void> };
  const received: Received[] = [];
  let demo: RunningUi;
  let prod: RunningUi;
  let idpKey: CryptoKey;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    ensureUiBuild();
    gateway = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'gateway=1' });
        res.end(JSON.stringify({ data: { echo: received.length } }));
      });
    });
    const pair = await generateKeyPair('RS256');
    idpKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    idp = await listen((req, res) => {
      if (req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    // One after the other: two Next servers starting at once on two cores only slow each other down.
    demo = await startUi({ gatewayUrl: `${gateway.url}/graphql`, env: { ...NEUTRAL, MLOPS_MODE: 'demo' } });
    prod = await startUi({
      gatewayUrl: `${gateway.url}/graphql`,
      // MLOPS_MODE left blank: production is the default.
      env: { ...NEUTRAL, AUTH_JWKS_URL: `${idp.url}/jwks.json`, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, UI_SECURE_COOKIES: 'on' },
    });
  });

  afterAll(async () => {
    await demo?.stop();
    await prod?.stop();
    await gateway?.close();
    await idp?.close();
  });

  /** A form POST to the session route, from the UI's own origin unless `headers` say otherwise. */
  const session = (ui: RunningUi, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${ui.url}/api/session`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: ui.url, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  const gql = (ui: RunningUi, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${ui.url}/graphql`, {
      method: 'POST',
      ...init,
      headers: { 'content-type': 'application/json', origin: ui.url, ...init.headers },
      body: init.body ?? JSON.stringify({ query: '{ me { id } }' }),
    });

  const idpToken = (opts: { iss?: string; aud?: string; exp?: number | null; key?: CryptoKey; sub?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ name: 'Ida', roles: { '*': 'approver' } })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setSubject(opts.sub ?? 'ida@example.org')
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt(opts.exp ? Math.min(now, opts.exp - 60) : now);
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? now + 3600);
    return jwt.sign(opts.key ?? idpKey);
  };

  describe('modes', () => {
    it('production (the default) has no dev sign-in: the POST answers 404 with a code and sets no cookie', async () => {
      for (const body of [{ user: 'ada.admin', role: 'admin' }, { user: 'ada.admin' }] as Record<string, string>[]) {
        const r = await session(prod, body);
        expect(r.status).toBe(404);
        expect(cookiesOf(r)).toEqual([]);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      }
      // The same in JSON, from a script without any Origin.
      const j = await fetch(`${prod.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ user: 'ada.admin', role: 'admin' }) });
      expect(j.status).toBe(404);
      expect(cookiesOf(j)).toEqual([]);
    });

    it('the sign-in page lists the demo users in demo mode only; production offers the token form', async () => {
      const demoPage = await (await fetch(`${demo.url}/signin`)).text();
      expect(demoPage).toContain('ada.admin');
      expect(demoPage).toContain('Sign in as a demo user');
      expect(demoPage).not.toContain('data-testid="idp-token"');
      const prodPage = await (await fetch(`${prod.url}/signin`)).text();
      expect(prodPage).not.toContain('ada.admin');
      expect(prodPage).not.toContain('Sign in as a demo user');
      expect(prodPage).toContain('data-testid="idp-token"');
    });

    it('demo mode signs a dev token for a same-origin POST', async () => {
      const r = await session(demo, { user: 'rita.requester', next: '/inbox' });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe('/inbox');
      const c = sessionCookieOf(r)!;
      expect(c).toMatch(/; HttpOnly/);
      expect(c).toMatch(/; SameSite=Lax/);
      expect(c).not.toMatch(/; Secure/);
      expect(tokenIn(c)).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('settings: production never falls back to the dev secret; DEV_SIGNIN=off closes demo mode too; bad values are reported', () => {
      const saved = { ...process.env };
      try {
        for (const k of Object.keys(NEUTRAL)) delete process.env[k];
        expect(mode()).toBe('production');
        expect(devSignInEnabled()).toBe(false);
        expect(authConfig().secret).toBeUndefined();
        expect(authConfig().issuer).toBeUndefined();
        process.env.MLOPS_MODE = 'demo';
        expect(authConfig().secret).toBe(DEV_AUTH_DEFAULTS.secret);
        expect(devSignInEnabled()).toBe(true);
        process.env.DEV_SIGNIN = 'off';
        expect(devSignInEnabled()).toBe(false);
        process.env.MLOPS_MODE = 'prod';
        expect(mode()).toBe('production');
        expect(envProblems().join('\n')).toMatch(/MLOPS_MODE/);
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });

    it('a misspelt MLOPS_MODE stops the server at start, naming the setting', async () => {
      await expect(startUi({ gatewayUrl: `${gateway.url}/graphql`, env: { ...NEUTRAL, MLOPS_MODE: 'prod' }, readyTimeoutMs: 30_000 })).rejects.toThrow(/MLOPS_MODE must be one of demo, production/);
    });
  });

  describe('CSRF on the session route', () => {
    it('refuses a cross-site sign-in (403, no cookie), whichever header gives it away', async () => {
      const cases: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        { origin: 'null' },
        { origin: '', 'sec-fetch-site': 'cross-site' },
        { origin: '', 'sec-fetch-site': 'same-site' },
        { origin: '', referer: 'http://evil.example/page' },
        // No Origin, no Sec-Fetch-Site, no Referer: nothing vouches for it.
        { origin: '' },
      ];
      for (const h of cases) {
        const headers = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
        const r = await fetch(`${demo.url}/api/session`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: 'user=ada.admin&role=admin',
        });
        expect(r.status, JSON.stringify(h)).toBe(403);
        expect(cookiesOf(r), JSON.stringify(h)).toEqual([]);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
      }
    });

    it('accepts the same origin by Origin, by Sec-Fetch-Site, and behind a proxy by X-Forwarded-Host', async () => {
      const bySiteOnly = await fetch(`${demo.url}/api/session`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: 'user=vic.viewer',
      });
      expect(bySiteOnly.status).toBe(303);
      expect(sessionCookieOf(bySiteOnly)).toBeDefined();
      const proxied = await session(demo, { user: 'vic.viewer' }, { origin: 'https://explorer.example.org', 'x-forwarded-host': 'explorer.example.org', 'x-forwarded-proto': 'https' });
      expect(proxied.status).toBe(303);
      expect(sessionCookieOf(proxied)).toBeDefined();
      // The same Origin without the proxy's header is another site.
      const notProxied = await session(demo, { user: 'vic.viewer' }, { origin: 'https://explorer.example.org' });
      expect(notProxied.status).toBe(403);
    });

    it('signs out only by a same-origin POST: no GET, no DELETE, no cross-site POST', async () => {
      const cross = await session(demo, { signout: '1' }, { origin: 'http://evil.example' });
      expect(cross.status).toBe(403);
      expect(cookiesOf(cross)).toEqual([]);
      for (const method of ['GET', 'DELETE']) {
        const r = await fetch(`${demo.url}/api/session?signout=1`, { method, redirect: 'manual', headers: { origin: demo.url } });
        expect(r.status, method).toBe(405);
        expect(cookiesOf(r), method).toEqual([]);
      }
      const ok = await session(demo, { signout: '1', next: '/signin' });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe('/signin');
      expect(sessionCookieOf(ok)).toMatch(new RegExp(`^${SESSION}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`));
    });
  });

  describe('redirects after sign-in', () => {
    it('go nowhere but a path of this origin', async () => {
      const offSite = ['/\\evil.example', '//evil.example', '/%5Cevil.example', '/%5cevil.example', 'https://evil.example', '/\t/evil.example', '/%2F%2Fevil.example', '/%255Cevil.example', 'javascript:alert(1)', '\\\\evil.example', '/\n/evil.example', ' //evil.example'];
      for (const next of offSite) {
        const r = await session(demo, { user: 'rita.requester', next });
        expect(r.status, JSON.stringify(next)).toBe(303);
        expect(r.headers.get('location'), JSON.stringify(next)).toBe('/');
      }
      const kept = await session(demo, { user: 'rita.requester', next: '/targets/plant-a/line-3/pump-017?tab=history' });
      expect(kept.headers.get('location')).toBe('/targets/plant-a/line-3/pump-017?tab=history');
    });

    it('the same rule, as a function', () => {
      expect(safeNext('/\\evil.example')).toBe('/');
      expect(safeNext('/%5Cevil.example')).toBe('/');
      expect(safeNext('/\u0000/evil.example')).toBe('/');
      expect(safeNext('/projects/pump-anomaly')).toBe('/projects/pump-anomaly');
      expect(safeNext('/targets/a%25b')).toBe('/targets/a%25b');
      expect(safeNext(undefined)).toBe('/');
    });

    it('the sign-in page does not carry an off-site next into its form', async () => {
      const html = await (await fetch(`${demo.url}/signin?next=${encodeURIComponent('/\\evil.example')}`)).text();
      const values = [...html.matchAll(/name="next" value="([^"]*)"/g)].map((m) => m[1]);
      expect(values).toEqual(['/']);
    });
  });

  describe('cookies', () => {
    it('are Secure behind a TLS proxy (X-Forwarded-Proto: https), not over plain http', async () => {
      const tls = await session(demo, { user: 'arno.approver' }, { 'x-forwarded-proto': 'https' });
      expect(sessionCookieOf(tls)).toMatch(/; Secure/);
      const plain = await session(demo, { user: 'arno.approver' });
      expect(sessionCookieOf(plain)).not.toMatch(/; Secure/);
      const out = await session(demo, { signout: '1' }, { 'x-forwarded-proto': 'https' });
      expect(sessionCookieOf(out)).toMatch(/Max-Age=0; HttpOnly; SameSite=Lax; Secure/);
    });
  });

  describe('security headers', () => {
    const expectHeaders = (r: Response, what: string) => {
      const csp = r.headers.get('content-security-policy');
      expect(csp, what).toBeTruthy();
      for (const d of ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"]) expect(csp, `${what}: ${d}`).toContain(d);
      const scriptSrc = csp!.split(';').map((s) => s.trim()).find((s) => s.startsWith('script-src '));
      expect(scriptSrc, what).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}'$/);
      expect(r.headers.get('x-frame-options'), what).toBe('DENY');
      expect(r.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), what).toBe('same-origin');
      return csp!;
    };

    it('on pages, with a fresh nonce that every script of the page carries', async () => {
      const nonces = new Set<string>();
      for (const path of ['/', '/signin', '/projects/pump-anomaly', '/no-such-page']) {
        const r = await fetch(`${prod.url}${path}`);
        const csp = expectHeaders(r, path);
        const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
        nonces.add(nonce);
        const html = await r.text();
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        expect(scripts.length, path).toBeGreaterThan(3);
        for (const s of scripts) expect(s, path).toContain(`nonce="${nonce}"`);
      }
      expect(nonces.size).toBe(4);
    });

    it('on route handlers and static files', async () => {
      expectHeaders(await fetch(`${prod.url}/api/session`), 'GET /api/session');
      expectHeaders(await session(prod, { user: 'ada.admin' }), 'POST /api/session');
      expectHeaders(await gql(prod), 'POST /graphql');
      expectHeaders(await fetch(`${prod.url}/graphql`), 'GET /graphql');
      const html = await (await fetch(`${prod.url}/`)).text();
      const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)![1]!;
      const js = await fetch(`${prod.url}${chunk}`);
      expect(js.status).toBe(200);
      expectHeaders(js, chunk);
      expectHeaders(await fetch(`${prod.url}/icon.svg`), '/icon.svg');
    });
  });

  describe('GraphQL proxy', () => {
    it('answers 405 to GET and other methods and 415 to anything but JSON, forwarding nothing', async () => {
      const before = received.length;
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const r = await fetch(`${demo.url}/graphql?query=${encodeURIComponent('{ me { id } }')}`, { method, headers: { 'apollo-require-preflight': 'true' } });
        expect(r.status, method).toBe(405);
        expect(r.headers.get('allow'), method).toBe('POST');
      }
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql']) {
        const r = await gql(demo, { headers: { 'content-type': type } });
        expect(r.status, type).toBe(415);
        expect(((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
      const big = await gql(demo, { body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(1_100_000)}` }) });
      expect(big.status).toBe(413);
      const cross = await gql(demo, { headers: { origin: 'http://evil.example' } });
      expect(cross.status).toBe(403);
      expect(received.length).toBe(before);
    });

    it('forwards a JSON POST with the cookie’s token as Authorization, and no cookie or other header', async () => {
      const signIn = await session(demo, { user: 'beth.approver' });
      const token = tokenIn(sessionCookieOf(signIn))!;
      const before = received.length;
      const body = JSON.stringify({ query: 'query Q { me { id } }', variables: { a: 1 } });
      const r = await gql(demo, {
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          cookie: `theme=dark; ${SESSION}=${token}; other=1`,
          'x-evil': '1',
          'x-request-id': 'r-1',
          'x-forwarded-for': '10.0.0.1',
          'apollo-require-preflight': 'true',
          referer: `${demo.url}/inbox`,
        },
      });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ data: { echo: before + 1 } });
      expect(r.headers.getSetCookie()).toEqual([]);
      expect(received.length).toBe(before + 1);
      const got = received.at(-1)!;
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/graphql');
      expect(got.body).toBe(body);
      expect(got.headers.authorization).toBe(`Bearer ${token}`);
      expect(got.headers.cookie).toBeUndefined();
      // What the proxy sets, plus what Node's fetch adds itself (cache: no-store adds pragma and
      // cache-control): nothing of the browser's request.
      const allowed = ['host', 'connection', 'content-type', 'content-length', 'accept', 'authorization', 'user-agent', 'accept-language', 'accept-encoding', 'sec-fetch-mode', 'pragma', 'cache-control'];
      expect(Object.keys(got.headers).filter((h) => !allowed.includes(h))).toEqual([]);
      expect(got.headers['content-type']).toBe('application/json');
    });

    it('forwards the token an authenticating reverse proxy set (Authorization or X-Forwarded-Access-Token), before the cookie', async () => {
      const fromProxy = await idpToken({ sub: 'proxy-user' });
      const cookieTok = tokenIn(sessionCookieOf(await session(demo, { user: 'vic.viewer' })))!;
      await gql(prod, { headers: { authorization: `Bearer ${fromProxy}`, cookie: `${SESSION}=${cookieTok}` } });
      expect(received.at(-1)!.headers.authorization).toBe(`Bearer ${fromProxy}`);
      await gql(prod, { headers: { 'x-forwarded-access-token': fromProxy } });
      expect(received.at(-1)!.headers.authorization).toBe(`Bearer ${fromProxy}`);
      expect(received.at(-1)!.headers['x-forwarded-access-token']).toBeUndefined();
      // Not a bearer token: ignored, nothing forwarded in its place.
      await gql(prod, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(received.at(-1)!.headers.authorization).toBeUndefined();
    });
  });

  describe('sign-in with the identity provider’s token (production)', () => {
    it('keeps a valid token in a Secure httpOnly cookie that the proxy forwards', async () => {
      const token = await idpToken();
      const r = await session(prod, { token, next: '/inbox' });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe('/inbox');
      const c = sessionCookieOf(r)!;
      expect(tokenIn(c)).toBe(token);
      expect(c).toMatch(/; HttpOnly/);
      expect(c).toMatch(/; SameSite=Lax/);
      // UI_SECURE_COOKIES=on on this server: Secure even over plain http.
      expect(c).toMatch(/; Secure/);
      const age = Number(/Max-Age=(\d+)/.exec(c)![1]);
      expect(age).toBeGreaterThan(3500);
      expect(age).toBeLessThanOrEqual(3600);
      await gql(prod, { headers: { cookie: `${SESSION}=${token}` } });
      expect(received.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
      const j = await fetch(`${prod.url}/api/session`, { method: 'POST', headers: { origin: prod.url, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ token }) });
      expect(j.status).toBe(200);
      expect(await j.json()).toEqual({ signedIn: true, sub: 'ida@example.org' });
    });

    it('refuses expired, foreign, unsigned-by-the-IdP and HS256 dev-secret tokens with 401 and a reason, storing nothing', async () => {
      const now = Math.floor(Date.now() / 1000);
      const devHs256 = await new SignJWT({ roles: { '*': 'admin' } })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('ada.admin')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(DEV_AUTH_DEFAULTS.secret));
      const cases: [string, string, string][] = [
        ['expired', await idpToken({ exp: now - 600 }), 'expired'],
        ['wrong issuer', await idpToken({ iss: 'https://other-idp.example' }), 'wrong_issuer'],
        ['wrong audience', await idpToken({ aud: 'another-app' }), 'wrong_audience'],
        ['no exp', await idpToken({ exp: null }), 'missing_claim'],
        ['HS256 with the dev secret', devHs256, 'algorithm_not_allowed'],
        ['signed by another key', await idpToken({ key: strangerKey }), 'bad_signature'],
        ['not a token', 'hello', 'malformed'],
      ];
      for (const [what, token, reason] of cases) {
        const r = await fetch(`${prod.url}/api/session`, { method: 'POST', headers: { origin: prod.url, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ token }) });
        expect(r.status, what).toBe(401);
        expect(cookiesOf(r), what).toEqual([]);
        const body = (await r.json()) as { error: { code: string; reason: string; message: string } };
        expect(body.error.code, what).toBe('UNAUTHENTICATED');
        expect(body.error.reason, what).toBe(reason);
        expect(body.error.message, what).toBeTruthy();
      }
    });

    it('refuses a valid token posted cross-site, and a server without an identity provider has no token sign-in', async () => {
      const token = await idpToken();
      const cross = await session(prod, { token }, { origin: 'http://evil.example' });
      expect(cross.status).toBe(403);
      expect(cookiesOf(cross)).toEqual([]);
      const none = await session(demo, { token });
      expect(none.status).toBe(404);
      expect(cookiesOf(none)).toEqual([]);
    });
  });
});
