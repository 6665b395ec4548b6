import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { DemoSignInForm, SessionStatus, TokenSignInForm } from '@/components/session/SignInForm';
import { cookieToken, proxyToken } from '@/lib/request-security';
import { safeNext } from '@/lib/safe-next';
import { devSignInEnabled, idpConfig, mode } from '@/lib/server-env';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const safe = safeNext(typeof sp.next === 'string' ? sp.next : '/');
  const next = safe.startsWith('/signin') ? '/' : safe;
  const h = { headers: await headers() };
  const demo = devSignInEnabled();
  const idp = idpConfig() !== null;
  return (
    <div className="page narrow">
      <h1>Sign in</h1>
      <div className="stack">
        <SessionStatus viaProxy={proxyToken(h) !== null} hasCookie={cookieToken(h) !== null} />
        {idp ? <TokenSignInForm next={next} /> : null}
        {demo ? <DemoSignInForm next={next} /> : null}
        {!demo && !idp ? (
          <p className="notice" data-testid="no-signin">
            {mode() === 'production'
              ? 'Sign-in goes through your organisation’s identity provider: open the explorer through its sign-in proxy. No identity provider is configured on this server (AUTH_JWKS_URL).'
              : 'The dev sign-in is off on this server.'}
          </p>
        ) : null}
      </div>
    </div>
  );
}
