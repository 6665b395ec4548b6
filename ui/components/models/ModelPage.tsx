'use client';
/** The model version page: facts, training, where it serves, lineage, reuse, deprecation impact. */
import Link from 'next/link';
import { HealthBadge, Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { LineageExplorer } from '@/components/lineage/LineageExplorer';
import { ReleaseTable } from '@/components/releases/ReleaseRow';
import { fmtDate, fmtNum } from '@/lib/format';
import { href } from '@/lib/paths';
import { useModelPage } from '@/lib/queries/models';
import { ModelDeprecationBadge } from '@/components/deprecations/DeprecationPage';
import { ImpactPanel } from './ImpactPanel';
import { ReusedBy } from './ReusedBy';

export function ModelPage({ modelVersionId }: { modelVersionId: string }) {
  const [res, refetch] = useModelPage(modelVersionId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Model version" /> : <Loading label="Loading model version…" />;
  const m = res.data.modelVersion;
  if (!m)
    return (
      <Empty>
        The registry has no model version <code>{modelVersionId}</code>. <Link href={href.search()}>Search</Link>
      </Empty>
    );
  const project = m.tags.find((t) => t.key === 'project')?.value;
  const serving = (m.deployedTo ?? []).filter((d) => !d.to);
  return (
    <div className="stack">
      <header className="page-header">
        <p className="crumbs">
          {project ? (
            <>
              <Link href="/">Projects</Link> / <Link href={href.project(project)}>{project}</Link> / model versions /
            </>
          ) : (
            <Link href={href.search()}>Search</Link>
          )}
        </p>
        <div className="row">
          <h1 style={{ margin: 0 }} className="mono">
            {m.name}/{m.version}
          </h1>
          {m.aliases.map((a) => (
            <span key={a} className="pill tone-info">
              {a}
            </span>
          ))}
          {m.health ? <HealthBadge status={m.health.status} /> : null}
          <ModelDeprecationBadge modelVersionId={m.id} />
        </div>
        {m.description ? <p>{m.description}</p> : null}
        <dl className="facts">
          <div>
            <dt>Registered</dt>
            <dd>{fmtDate(m.createdAt)}</dd>
          </div>
          <div>
            <dt>Metrics</dt>
            <dd className="metric-list">
              {m.metrics.map((x) => (
                <span key={x.key}>
                  {x.key} <strong>{fmtNum(x.value)}</strong>
                </span>
              ))}
            </dd>
          </div>
          <div>
            <dt>Tags</dt>
            <dd className="small">{m.tags.map((t) => `${t.key}=${t.value}`).join(', ') || '—'}</dd>
          </div>
          <div>
            <dt>Training run</dt>
            <dd>
              {m.run ? (
                <>
                  <span className="mono">{m.run.id.slice(0, 12)}…</span>
                  <div className="small muted">
                    {m.run.experiment} · {m.run.user} · code {m.run.codeVersion} · {m.run.status.toLowerCase()}
                  </div>
                </>
              ) : (
                <span className="muted">purged or unknown</span>
              )}
            </dd>
          </div>
          {m.run ? (
            <div>
              <dt>Params</dt>
              <dd className="small">{m.run.params.map((p) => `${p.key}=${p.value}`).join(', ')}</dd>
            </div>
          ) : null}
        </dl>
      </header>
      {res.error ? <PartialWarning error={res.error} /> : null}

      <div className="grid two">
        <section className="card" aria-labelledby="serves-h">
          <h2 id="serves-h">Serves now ({serving.length})</h2>
          {m.deployedTo === null ? (
            <p className="muted">The lineage graph did not answer.</p>
          ) : serving.length === 0 ? (
            <p className="muted">Not serving anywhere.</p>
          ) : (
            <ul className="node-list">
              {serving.map((d) => (
                <li key={d.deploymentId}>
                  <Link href={href.target(d.target.id)}>{d.target.id}</Link> <HealthBadge status={d.target.health?.status} /> {d.trafficPercent}%{' '}
                  <Pill value={d.state} /> <span className="muted small">since {fmtDate(d.from)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="data-h">
          <h2 id="data-h">Trained on</h2>
          {!m.trainedOn || m.trainedOn.length === 0 ? (
            <p className="muted">No training data recorded.</p>
          ) : (
            <ul className="small node-list">
              {m.trainedOn.map((t) => (
                <li key={`${t.datasetVersion.id}-${t.depth}`}>
                  {t.depth > 0 ? <span className="muted">{'↳ '.repeat(1)}upstream {t.depth}: </span> : null}
                  <Link href={href.lineage(t.datasetVersion.id)} className="mono">
                    {t.datasetVersion.id}
                  </Link>{' '}
                  <span className="muted">
                    {t.datasetVersion.dataset.kind.toLowerCase()} · {t.datasetVersion.owner}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="lineage-h" className="section">
        <h2 id="lineage-h">Lineage</h2>
        <LineageExplorer rootId={m.id} />
      </section>

      <section aria-labelledby="impact-h" className="section">
        <h2 id="impact-h" className="sr-only">
          Deprecation impact
        </h2>
        <ImpactPanel modelVersionId={m.id} />
      </section>

      <section aria-labelledby="reuse-h" className="section">
        <h2 id="reuse-h">Reused by</h2>
        <ReusedBy modelVersionId={m.id} />
      </section>

      <section aria-labelledby="mrel-h" className="section">
        <h2 id="mrel-h">Releases of this version</h2>
        {!m.releases || m.releases.nodes.length === 0 ? <Empty>This version was never released through the gateway.</Empty> : <ReleaseTable releases={m.releases.nodes} caption={`Releases of ${m.id}`} />}
      </section>
    </div>
  );
}
