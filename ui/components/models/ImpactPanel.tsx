'use client';
/**
 * Deprecation impact: everything that breaks if this model version goes, by project with owners,
 * the targets (serving, canary, rollback), derived models and their targets; CSV export.
 * Loaded when the panel is opened (it can be large).
 */
import Link from 'next/link';
import { useState } from 'react';
import { Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { DeprecateForm } from '@/components/deprecations/DeprecateForm';
import { graphql, getFragmentData } from '@/gql';
import type { ImpactPanel_ImpactFragment as Impact } from '@/gql/graphql';
import { downloadText, toCsv } from '@/lib/csv';
import { href } from '@/lib/paths';
import { useDeprecationImpact } from '@/lib/queries/models';

export const ImpactPanel_ImpactFragment = graphql(`
  fragment ImpactPanel_Impact on DeprecationImpact {
    totalTargets
    truncated
    modelVersion {
      id
    }
    byProject {
      project {
        id
        name
      }
      targets
      derivedModels
      derivedTargets
      owners
    }
    targets {
      role
      depth
      target {
        id
        project {
          id
        }
      }
      modelVersion {
        id
      }
    }
    derivedModels {
      depth
      path
      modelVersion {
        id
      }
    }
    derivedTargets {
      role
      depth
      target {
        id
        project {
          id
        }
      }
      modelVersion {
        id
      }
    }
    pendingReleases {
      releaseId
      status
      targets {
        id
      }
    }
  }
`);

export function impactCsv(i: Impact): string {
  const rows: (string | number)[][] = [];
  for (const t of i.targets) rows.push(['target', t.target.project.id, t.target.id, t.role, t.depth, t.modelVersion.id, '']);
  for (const t of i.derivedTargets) rows.push(['derived-target', t.target.project.id, t.target.id, t.role, t.depth, t.modelVersion.id, '']);
  for (const m of i.derivedModels) rows.push(['derived-model', '', '', '', m.depth, m.modelVersion.id, m.path.join(' > ')]);
  for (const r of i.pendingReleases) rows.push(['pending-release', '', r.targets.map((t) => t.id).join(' '), r.status, '', r.releaseId, '']);
  return toCsv(['kind', 'project', 'target', 'role', 'depth', 'model_version', 'path'], rows);
}

function TargetList({ list, title, testId }: { list: Impact['targets']; title: string; testId: string }) {
  return (
    <div className="card">
      <h3>
        {title} <span className="muted">({list.length})</span>
      </h3>
      {list.length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <ul className="small node-list" data-testid={testId}>
          {list.slice(0, 200).map((t, i) => (
            <li key={`${t.target.id}-${t.modelVersion.id}-${i}`}>
              <Link href={href.target(t.target.id)}>{t.target.id}</Link> <Pill value={t.role} />{' '}
              <span className="muted">
                via{' '}
                <Link href={href.model(t.modelVersion.id)} className="mono">
                  {t.modelVersion.id}
                </Link>
              </span>
            </li>
          ))}
          {list.length > 200 ? <li className="muted">…and {list.length - 200} more (in the CSV)</li> : null}
        </ul>
      )}
    </div>
  );
}

export function ImpactPanel({ modelVersionId }: { modelVersionId: string }) {
  const [open, setOpen] = useState(false);
  const [res, refetch] = useDeprecationImpact(modelVersionId, !open);
  const raw = res.data?.deprecationImpact;
  const i = raw ? getFragmentData(ImpactPanel_ImpactFragment, raw) : null;
  return (
    <details className="card" data-testid="impact-panel" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        <strong>Deprecation impact</strong> <span className="muted small">— what breaks if this version goes</span>
      </summary>
      {!open ? null : !res.data ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Impact" />
        ) : (
          <Loading label="Computing impact…" />
        )
      ) : !i ? (
        <Empty>This version is not in the lineage graph.</Empty>
      ) : (
        <div className="stack" style={{ marginTop: '0.8rem' }}>
          <dl className="facts" data-testid="impact-totals">
            <div>
              <dt>Targets affected</dt>
              <dd data-testid="impact-total-targets">{i.totalTargets}</dd>
            </div>
            <div>
              <dt>Direct targets</dt>
              <dd>{i.targets.length}</dd>
            </div>
            <div>
              <dt>Derived models</dt>
              <dd data-testid="impact-derived-models">{i.derivedModels.length}</dd>
            </div>
            <div>
              <dt>Targets of derived models</dt>
              <dd>{i.derivedTargets.length}</dd>
            </div>
            <div>
              <dt>Pending releases</dt>
              <dd>{i.pendingReleases.length}</dd>
            </div>
          </dl>
          {i.truncated ? <p className="state state-warn">Lists were cut at the limit; counts by project are complete.</p> : null}
          <div className="table-wrap">
            <table className="data" data-testid="impact-by-project">
              <caption className="sr-only">Impact by project</caption>
              <thead>
                <tr>
                  <th scope="col">Project</th>
                  <th scope="col" className="num">
                    Targets
                  </th>
                  <th scope="col" className="num">
                    Derived models
                  </th>
                  <th scope="col" className="num">
                    Derived targets
                  </th>
                  <th scope="col">Owners to notify</th>
                </tr>
              </thead>
              <tbody>
                {i.byProject.length === 0 ? (
                  <tr>
                    <td colSpan={5} className="muted">
                      No project is affected.
                    </td>
                  </tr>
                ) : (
                  i.byProject.map((p) => (
                    <tr key={p.project.id} data-project={p.project.id}>
                      <th scope="row">
                        <Link href={href.project(p.project.id)}>{p.project.name}</Link>
                      </th>
                      <td className="num" data-col="targets">
                        {p.targets}
                      </td>
                      <td className="num" data-col="derivedModels">
                        {p.derivedModels}
                      </td>
                      <td className="num" data-col="derivedTargets">
                        {p.derivedTargets}
                      </td>
                      <td className="small">
                        {p.owners.map((o) => (
                          <div key={o}>
                            <a href={`mailto:${o}`}>{o}</a>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <div className="row">
            <button type="button" onClick={() => downloadText(`impact-${modelVersionId.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`, impactCsv(i))} data-testid="impact-csv">
              Export CSV
            </button>
          </div>
          <div className="grid two">
            <TargetList list={i.targets} title="Targets serving, canarying or able to roll back to it" testId="impact-targets" />
            <TargetList list={i.derivedTargets} title="Targets serving a derived model" testId="impact-derived-targets" />
          </div>
          <div className="card">
            <h3>
              Derived models <span className="muted">({i.derivedModels.length})</span>
            </h3>
            {i.derivedModels.length === 0 ? (
              <p className="muted small">None.</p>
            ) : (
              <ul className="small node-list">
                {i.derivedModels.slice(0, 200).map((m) => (
                  <li key={m.modelVersion.id}>
                    <Link href={href.model(m.modelVersion.id)} className="mono">
                      {m.modelVersion.id}
                    </Link>{' '}
                    <span className="muted">depth {m.depth}</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
          {i.pendingReleases.length ? (
            <div className="card">
              <h3>Pending releases naming it</h3>
              <ul className="small">
                {i.pendingReleases.map((r) => (
                  <li key={r.releaseId}>
                    <Link href={href.release(r.releaseId)} className="mono">
                      {r.releaseId}
                    </Link>{' '}
                    <Pill value={r.status} /> {r.targets.length} target(s)
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <DeprecateForm modelVersionId={modelVersionId} affectedProjects={i.byProject.length} />
        </div>
      )}
    </details>
  );
}
