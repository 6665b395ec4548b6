import type { Metadata } from 'next';
import { SignInForm } from '@/components/session/SignInForm';
import { devSignInEnabled } from '@/lib/server-env';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const raw = typeof sp.next === 'string' ? sp.next : '/';
  const next = raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/signin') ? raw : '/';
  return (
    <div className="page narrow">
      <h1>Sign in</h1>
      {devSignInEnabled() ? <SignInForm next={next} /> : <p>The dev sign-in is off on this server.</p>}
    </div>
  );
}
