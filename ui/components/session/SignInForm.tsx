'use client';
/**
 * Dev sign-in: a plain form posted to /api/session, which signs a dev token server-side and keeps
 * it in an httpOnly cookie. The redirect that follows reloads the page, so every cached answer of
 * the previous user is gone.
 */
import { useState } from 'react';
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

export function SignInForm({ next }: { next: string }) {
  const [user, setUser] = useState(DEMO_USERS[0]!.sub);
  const [role, setRole] = useState('');
  const [me] = useMe();
  const [projects] = useGql({ query: ProjectChoicesQuery });
  const chosen = DEMO_USERS.find((u) => u.sub === user)!;
  const caller = me.data?.me;

  return (
    <div className="stack">
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
        {caller && !caller.anonymous ? (
          <form method="post" action="/api/session">
            <input type="hidden" name="signout" value="1" />
            <input type="hidden" name="next" value="/signin" />
            <button type="submit">Sign out</button>
          </form>
        ) : null}
      </section>

      <form method="post" action="/api/session" className="card stack" aria-labelledby="signin-h">
        <h2 id="signin-h">Sign in as a demo user</h2>
        <p className="muted small">Development only: the UI server signs a token with the gateway&apos;s dev secret.</p>
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
    </div>
  );
}
