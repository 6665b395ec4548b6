'use client';
/**
 * The sign-in page's parts. Every form posts to /api/session, which keeps the token in an httpOnly
 * cookie and answers with a redirect, so the page reloads and every cached answer of the previous
 * user is gone.
 *   SessionStatus    who the gateway thinks the caller is, and sign-out
 *   TokenSignInForm  a token of the organisation's identity provider, pasted (verified server-side)
 *   DemoSignInForm   demo mode only: any demo user, any role, no password
 */
import { useState, type FormEvent } from 'react';
import { graphql } from '@/gql';
import { DEMO_USERS, ROLES } from '@/lib/demo-users';
import { useGql } from '@/lib/use-gql';
import { useMe } from '@/lib/queries/session';

const ProjectChoicesQuery = graphql(`
  query ProjectChoices {
    projects(first: 100) {
      nodes {
        id
        name
      }
    }
  }
`);

export function SessionStatus({ viaProxy, hasCookie }: { viaProxy: boolean; hasCookie: boolean }) {
  const [me] = useMe();
  const caller = me.data?.me;
  return (
    <section className="card" aria-labelledby="current-h">
      <h2 id="current-h">Signed in as</h2>
      {caller ? (
        <p data-testid="signed-in-as">
          <strong>{caller.anonymous ? 'anonymous viewer' : caller.id}</strong>{' '}
          <span className="muted">{caller.roles.map((r) => `${r.role} on ${r.projectId === '*' ? 'every project' : r.projectId}`).join(', ')}</span>
        </p>
      ) : (
        <p className="muted">…</p>
      )}
      {viaProxy ? <p className="muted small">Signed in by your organisation’s sign-in proxy: sign out there.</p> : null}
      {hasCookie && !viaProxy ? (
        <form method="post" action="/api/session">
          <input type="hidden" name="signout" value="1" />
          <input type="hidden" name="next" value="/signin" />
          <button type="submit">Sign out</button>
        </form>
      ) : null}
    </section>
  );
}

/** What to say for a refusal, by code and reason (the server's message is shown as detail). */
function explainRefusal(code: string | undefined, reason: string | undefined): string {
  if (code === 'UNAUTHENTICATED') {
    switch (reason) {
      case 'expired':
        return 'This token has expired: get a fresh one from your identity provider.';
      case 'wrong_issuer':
      case 'wrong_audience':
        return 'This token was issued for another application.';
      case 'bad_signature':
      case 'algorithm_not_allowed':
        return 'This token is not signed by your identity provider.';
      default:
        return 'This is not a valid token.';
    }
  }
  if (code === 'IDP_UNAVAILABLE') return 'The identity provider does not answer; try again shortly.';
  if (code === 'FORBIDDEN') return 'Sign in from this site only.';
  return 'The token was not accepted.';
}

export function TokenSignInForm({ next }: { next: string }) {
  const [error, setError] = useState<{ title: string; detail?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  // With JavaScript the answer comes back as JSON, so a refusal shows here; without it the form
  // still works as a plain POST.
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget).get('token') ?? '');
    setBusy(true);
    setError(null);
    try {
      const r = await fetch('/api/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token, next }),
      });
      if (r.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await r.json().catch(() => ({}))) as { error?: { code?: string; reason?: string; message?: string } };
      setError({ title: explainRefusal(body.error?.code, body.error?.reason), detail: body.error?.message });
    } catch {
      setError({ title: 'The UI server could not be reached.' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form method="post" action="/api/session" className="card stack" aria-labelledby="token-h" onSubmit={onSubmit}>
      <h2 id="token-h">Sign in with your identity provider’s token</h2>
      <p className="muted small">
        Paste an access or ID token your organisation’s identity provider issued for this application. The server checks its
        signature, issuer, audience and expiry, and keeps it in an httpOnly cookie until it expires.
      </p>
      <label>
        Token
        <textarea name="token" rows={4} required autoComplete="off" spellCheck={false} data-testid="idp-token" />
      </label>
      <input type="hidden" name="next" value={next} />
      {error ? (
        <div className="state state-error" role="alert">
          <strong>{error.title}</strong>
          {error.detail ? <p className="muted small">{error.detail}</p> : null}
        </div>
      ) : null}
      <div>
        <button type="submit" className="primary" disabled={busy}>
          Sign in with this token
        </button>
      </div>
    </form>
  );
}

export function DemoSignInForm({ next }: { next: string }) {
  const [user, setUser] = useState(DEMO_USERS[0]!.sub);
  const [role, setRole] = useState('');
  const [projects] = useGql({ query: ProjectChoicesQuery });
  const chosen = DEMO_USERS.find((u) => u.sub === user)!;

  return (
    <form method="post" action="/api/session" className="card stack" aria-labelledby="signin-h">
      <h2 id="signin-h">Sign in as a demo user</h2>
      <p className="muted small">Demo mode only: the UI server signs a token with the gateway&apos;s dev secret, for any user and any role.</p>
      <fieldset>
        <legend>User</legend>
        <div className="choices">
          {DEMO_USERS.map((u) => (
            <label key={u.sub} className="choice">
              <input type="radio" name="user" value={u.sub} checked={user === u.sub} onChange={() => setUser(u.sub)} />
              <span>
                <strong>{u.sub}</strong> <span className="muted small">{u.role} · {u.blurb}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-row">
        <label>
          Role
          <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{chosen.role} (the user&apos;s usual role)</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          On
          <select name="scope" defaultValue="*">
            <option value="*">every project</option>
            {(projects.data?.projects.nodes ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} only
              </option>
            ))}
          </select>
        </label>
      </div>
      <input type="hidden" name="next" value={next} />
      <div>
        <button type="submit" className="primary">
          Sign in as {chosen.sub}
        </button>
      </div>
    </form>
  );
}
