'use client';
/** The release target page: what serves now, history, comparison, charts, request a release. */
import Link from 'next/link';
import { useRef, useState } from 'react';
import { HealthBadge, Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { TargetDeprecationNotice, useServingDeprecations } from '@/components/deprecations/TargetDeprecationNotice';
import { ReleaseTable } from '@/components/releases/ReleaseRow';
import { getFragmentData } from '@/gql';
import { fmtDate, fmtNum } from '@/lib/format';
import { href } from '@/lib/paths';
import { atLeast, roleOn, useMe } from '@/lib/queries/session';
import { useTargetComparison, useTargetPage, useTargetReleases } from '@/lib/queries/targets';
import { ComparisonPanel, ComparisonPanel_ComparisonFragment } from './ComparisonPanel';
import { DeploymentCard } from './DeploymentCard';
import { HistoryTimeline } from './HistoryTimeline';
import { MetricCharts } from './MetricCharts';
import { RequestReleaseForm } from './RequestReleaseForm';
import { RollbackForm } from './RollbackForm';

export function TargetPage({ targetId }: { targetId: string }) {
  const [res, refetch] = useTargetPage(targetId);
  const [me] = useMe();
  const [cmp] = useTargetComparison(targetId);
  const [rels] = useTargetReleases(targetId);
  const deprecated = useServingDeprecations(targetId);
  const [preselect, setPreselect] = useState<string | null>(null);
  const formRef = useRef<HTMLDivElement>(null);

  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Release target" /> : <Loading label="Loading release target…" />;
  const t = res.data.releaseTarget;
  if (!t)
    return (
      <Empty>
        No release target <code>{targetId}</code>. <Link href="/">Back to the projects</Link>
      </Empty>
    );

  const role = roleOn(me.data?.me.roles, t.project.id);
  const canRequest = atLeast(role, 'requester');
  const cmpData = cmp.data?.releaseTarget?.comparison ? getFragmentData(ComparisonPanel_ComparisonFragment, cmp.data.releaseTarget.comparison) : null;
  // A deprecation's replacement is offered even when the comparison does not rank it a candidate.
  const candidates = [...new Set([...(cmpData?.candidates.map((c) => c.modelVersion.id) ?? []), ...deprecated.map((d) => d.replacementId)])];
  const onRequest = (id: string) => {
    setPreselect(id);
    formRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    formRef.current?.querySelector('select')?.focus();
  };

  return (
    <div className="stack">
      <header className="page-header">
        <p className="crumbs">
          <Link href="/">Projects</Link> / <Link href={href.project(t.project.id)}>{t.project.name}</Link> /
        </p>
        <div className="row">
          <h1 style={{ margin: 0 }}>{t.name}</h1>
          <HealthBadge status={t.health?.status} />
        </div>
        <p className="muted mono">{t.id}</p>
        <TargetDeprecationNotice deprecations={deprecated} onReleaseReplacement={onRequest} />
        <dl className="facts">
          <div>
            <dt>Plant / line</dt>
            <dd>
              {t.plant} / {t.line}
            </dd>
          </div>
          <div>
            <dt>Environment</dt>
            <dd>{t.environment}</dd>
          </div>
          <div>
            <dt>Accuracy</dt>
            <dd>{fmtNum(t.health?.accuracy)}</dd>
          </div>
          <div>
            <dt>Drift</dt>
            <dd className={(t.health?.drift ?? 0) > 0.33 ? 'tone-bad-text' : undefined}>{fmtNum(t.health?.drift)}</dd>
          </div>
          <div>
            <dt>Evaluated</dt>
            <dd>{fmtDate(t.health?.evaluatedAt)}</dd>
          </div>
          <div>
            <dt>Audit</dt>
            <dd>
              <Link href={href.auditTarget(t.id)}>Audit trail of this target</Link>
            </dd>
          </div>
        </dl>
      </header>
      {res.error ? <PartialWarning error={res.error} /> : null}

      {t.alerts && t.alerts.totalCount > 0 ? (
        <section aria-labelledby="alerts-h" className="card">
          <h2 id="alerts-h">Open alerts ({t.alerts.totalCount})</h2>
          <ul>
            {t.alerts.nodes.map((a) => (
              <li key={a.id}>
                <Pill value={a.severity} /> {a.metric}: {a.message} <span className="muted small">since {fmtDate(a.openedAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="serving-h" className="section">
        <h2 id="serving-h">Serving now</h2>
        {t.currentDeployments === null ? (
          <Empty>The inference platform did not answer.</Empty>
        ) : t.currentDeployments.length === 0 ? (
          <Empty>Nothing serves this target.</Empty>
        ) : (
          <div className="grid two" data-testid="current-deployments">
            {t.currentDeployments.map((d) => (
              <DeploymentCard key={d.id} deployment={d} />
            ))}
          </div>
        )}
        <div className="section">
          <RollbackForm targetId={t.id} canRollback={canRequest} />
        </div>
      </section>

      <section aria-labelledby="cmp-h" className="section">
        <h2 id="cmp-h">Champion vs candidates</h2>
        <ComparisonPanel targetId={t.id} onRequest={onRequest} canRequest={canRequest} />
      </section>

      <section aria-labelledby="req-h" className="section" ref={formRef}>
        <h2 id="req-h" className="sr-only">
          Request a release
        </h2>
        <RequestReleaseForm
          key={t.id}
          targetId={t.id}
          candidates={candidates}
          preselect={preselect}
          policy={t.project.policy}
          supportedStrategies={t.supportedStrategies}
          canRequest={canRequest}
          roleHint={me.data ? `You are ${me.data.me.anonymous ? 'an anonymous viewer' : `${me.data.me.id} (${role ?? 'no role'} on ${t.project.id})`}.` : ''}
        />
      </section>

      <section aria-labelledby="charts-h" className="section">
        <h2 id="charts-h">Metrics over time</h2>
        <MetricCharts targetId={t.id} anchor={t.health?.evaluatedAt} />
      </section>

      <section aria-labelledby="hist-h" className="section">
        <h2 id="hist-h">Deployment history</h2>
        <HistoryTimeline targetId={t.id} />
      </section>

      <section aria-labelledby="rel-h" className="section">
        <h2 id="rel-h">Releases naming this target</h2>
        {!rels.data ? (
          rels.error ? (
            <ErrorState error={rels.error} what="Releases" />
          ) : (
            <Loading label="Loading releases…" />
          )
        ) : !rels.data.releaseTarget?.releases || rels.data.releaseTarget.releases.nodes.length === 0 ? (
          <Empty>No release has named this target yet.</Empty>
        ) : (
          <ReleaseTable releases={rels.data.releaseTarget.releases.nodes} caption={`Releases naming ${t.id}`} />
        )}
      </section>
    </div>
  );
}
