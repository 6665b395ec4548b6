'use client';
/**
 * Search across release targets (substring of the id), model versions (exact name, a machine tag,
 * or an exact id) and datasets (substring of the name), with the existing list queries.
 */
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { HealthBadge } from '@/components/common/badges';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDate, fmtNum } from '@/lib/format';
import { href } from '@/lib/paths';
import { useSearch } from '@/lib/queries/search';

export const SearchModel_ModelVersionFragment = graphql(`
  fragment SearchModel_ModelVersion on ModelVersion {
    id
    name
    version
    aliases
    createdAt
    metric(key: "f1")
  }
`);

function ModelItem(props: { model: FragmentType<typeof SearchModel_ModelVersionFragment> }) {
  const m = getFragmentData(SearchModel_ModelVersionFragment, props.model);
  return (
    <li data-testid="search-model">
      <Link href={href.model(m.id)} className="mono">
        {m.id}
      </Link>{' '}
      {m.aliases.map((a) => (
        <span key={a} className="pill tone-info">
          {a}
        </span>
      ))}{' '}
      <span className="muted small">
        f1 {fmtNum(m.metric)} · {fmtDate(m.createdAt)}
      </span>
    </li>
  );
}

export function SearchPage({ graphiqlUrl }: { graphiqlUrl: string }) {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const q = (sp.get('q') ?? '').trim();
  const [input, setInput] = useState(q);
  useEffect(() => setInput(q), [q]);
  const [res, refetch] = useSearch(q);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = input.trim();
    router.replace(v ? `${pathname}?q=${encodeURIComponent(v)}` : pathname);
  };

  const d = res.data;
  const models = d ? [...(d.exact ? [d.exact] : []), ...d.byName.nodes, ...d.byMachine.nodes].filter((m, i, a) => a.findIndex((x) => x.id === m.id) === i) : [];

  return (
    <div className="stack">
      <form role="search" className="filters card" onSubmit={submit}>
        <label style={{ flex: '1 1 24rem' }}>
          Search targets, model versions and datasets
          <input type="search" name="q" value={input} onChange={(e) => setInput(e.target.value)} placeholder="pump-017, pump-anomaly-fleet, sensor-logs…" autoFocus />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <p className="muted small">
        Targets match a part of their id; model versions match an exact registered name (e.g. <code>pump-anomaly-fleet</code>), a machine (<code>pump-017</code>) or an id (
        <code>pump-anomaly-pump-017/4</code>); datasets match a part of their name. For anything else, ask the gateway in{' '}
        <a href={graphiqlUrl} target="_blank" rel="noreferrer" data-testid="graphiql-link">
          GraphiQL ↗
        </a>
        .
      </p>
      {q.length < 2 ? (
        <Empty>Type at least two characters.</Empty>
      ) : !d ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Search" />
        ) : (
          <Loading label="Searching…" />
        )
      ) : (
        <>
          {res.error ? <PartialWarning error={res.error} /> : null}
          <div className="grid two">
            <section className="card" aria-labelledby="s-targets" data-testid="search-targets">
              <h2 id="s-targets">
                Release targets <span className="muted">({d.releaseTargets.totalCount})</span>
              </h2>
              {d.releaseTargets.nodes.length === 0 ? (
                <p className="muted">No target id contains “{q}”.</p>
              ) : (
                <ul>
                  {d.releaseTargets.nodes.map((t) => (
                    <li key={t.id}>
                      <Link href={href.target(t.id)}>{t.id}</Link> <HealthBadge status={t.health?.status} compact />{' '}
                      <span className="muted small">
                        {t.project.name}
                        {t.currentDeployments?.length ? ` · ${t.currentDeployments.map((c) => `${c.modelVersion?.id ?? 'model version unavailable'} ${c.trafficPercent}%`).join(', ')}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {d.releaseTargets.totalCount > d.releaseTargets.nodes.length ? <p className="muted small">Showing {d.releaseTargets.nodes.length}; refine the search.</p> : null}
            </section>
            <section className="card" aria-labelledby="s-models" data-testid="search-models">
              <h2 id="s-models">
                Model versions <span className="muted">({models.length})</span>
              </h2>
              {models.length === 0 ? (
                <p className="muted">No model named “{q}”, tagged with machine “{q}”, or with that id.</p>
              ) : (
                <ul>
                  {models.map((m) => (
                    <ModelItem key={m.id} model={m} />
                  ))}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="s-data" data-testid="search-datasets">
              <h2 id="s-data">
                Datasets <span className="muted">({d.datasets.totalCount})</span>
              </h2>
              {d.datasets.nodes.length === 0 ? (
                <p className="muted">No dataset name contains “{q}”.</p>
              ) : (
                <ul>
                  {d.datasets.nodes.map((ds) => (
                    <li key={ds.id}>
                      {ds.latestVersion ? (
                        <Link href={href.lineage(ds.latestVersion.id)} className="mono">
                          {ds.name}
                        </Link>
                      ) : (
                        <span className="mono">{ds.name}</span>
                      )}{' '}
                      <span className="muted small">
                        {ds.kind.toLowerCase()} · {ds.owner}
                        {ds.latestVersion ? ` · v${ds.latestVersion.version} ${fmtDate(ds.latestVersion.createdAt)}` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
