'use client';
/** Top bar: navigation, search, GraphiQL link and who is signed in. */
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { href } from '@/lib/paths';
import { atLeast, useInboxCount, useMe } from '@/lib/queries/session';

const NAV = [
  { href: '/', label: 'Projects', match: (p: string) => p === '/' || p.startsWith('/projects') || p.startsWith('/targets') },
  { href: '/inbox', label: 'Inbox', match: (p: string) => p.startsWith('/inbox') || p.startsWith('/releases') },
  { href: '/search', label: 'Search', match: (p: string) => p.startsWith('/search') || p.startsWith('/models') || p.startsWith('/lineage') },
  { href: '/audit', label: 'Audit', match: (p: string) => p.startsWith('/audit') },
];

export function AppHeader({ graphiqlUrl, signIn }: { graphiqlUrl: string; signIn: boolean }) {
  const pathname = usePathname() ?? '/';
  const router = useRouter();
  const [q, setQ] = useState('');
  const [me] = useMe();
  const caller = me.data?.me;
  const isApprover = !!caller && caller.roles.some((r) => atLeast(r.role, 'approver'));
  const [inbox] = useInboxCount(!isApprover);
  // The inbox may also list releases the caller must see but cannot decide on: count only decidable ones.
  const pending = isApprover ? inbox.data?.approvalInbox.nodes.filter((n) => n.approvability.canApprove).length : undefined;

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) router.push(href.search(q.trim()));
  };

  return (
    <header className="app-header">
      <Link href="/" className="brand">
        MLOps explorer
      </Link>
      <nav aria-label="Main">
        <ul>
          {NAV.map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={n.match(pathname) ? 'page' : undefined}>
                {n.label}
                {n.href === '/inbox' && pending ? (
                  <span className="count" aria-label={`${pending} waiting for you`} data-testid="inbox-count">
                    {pending}
                  </span>
                ) : null}
              </Link>
            </li>
          ))}
          <li>
            <a href={graphiqlUrl} target="_blank" rel="noreferrer">
              GraphiQL ↗
            </a>
          </li>
        </ul>
      </nav>
      <form role="search" className="header-search" onSubmit={onSearch}>
        <label htmlFor="header-q" className="sr-only">
          Search targets, model versions and datasets
        </label>
        <input id="header-q" type="search" placeholder="Search pump-017, a model, a dataset…" value={q} onChange={(e) => setQ(e.target.value)} />
      </form>
      <div className="who" data-testid="whoami">
        {me.error ? (
          <span className="muted">identity unknown</span>
        ) : caller ? (
          <>
            <span className="who-name" data-sub={caller.id}>
              {caller.anonymous ? 'anonymous viewer' : caller.id}
            </span>
            {!caller.anonymous ? (
              <span className="muted small">{caller.roles.map((r) => `${r.role}${r.projectId === '*' ? '' : `@${r.projectId}`}`).join(', ')}</span>
            ) : null}
          </>
        ) : (
          <span className="muted">…</span>
        )}
        {signIn ? (
          <Link href={href.signIn(pathname)} className="button-link small">
            {caller && !caller.anonymous ? 'Switch user' : 'Sign in'}
          </Link>
        ) : null}
      </div>
    </header>
  );
}
