'use client';
import { HealthBadge, Pill } from '@/components/common/badges';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDate, fmtDuration, fmtNum } from '@/lib/format';
import { ModelVersionLink } from '@/components/common/ModelVersionLink';

export const DeploymentCard_DeploymentFragment = graphql(`
  fragment DeploymentCard_Deployment on Deployment {
    id
    state
    strategy
    trafficPercent
    since
    endpoint
    modelVersion {
      id
      name
      version
      aliases
      createdAt
    }
    health {
      status
      accuracy
      drift
      errorRate
      latencyP95Ms
    }
  }
`);

export function DeploymentCard(props: { deployment: FragmentType<typeof DeploymentCard_DeploymentFragment> }) {
  const d = getFragmentData(DeploymentCard_DeploymentFragment, props.deployment);
  return (
    <article className="card" data-testid="current-deployment" data-model={d.modelVersion?.id ?? ''} data-traffic={d.trafficPercent} data-state={d.state}>
      <div className="row">
        <h3 style={{ margin: 0 }}>
          <ModelVersionLink mv={d.modelVersion} />
        </h3>
        <Pill value={d.state} />
        {(d.modelVersion?.aliases ?? []).map((a) => (
          <span key={a} className="pill tone-info">
            {a}
          </span>
        ))}
      </div>
      <dl className="facts">
        <div>
          <dt>Traffic</dt>
          <dd>{d.trafficPercent}%</dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd>
            {fmtDate(d.since)} <span className="muted small">({fmtDuration(d.since)})</span>
          </dd>
        </div>
        <div>
          <dt>How</dt>
          <dd>{d.strategy.replace('_', ' ').toLowerCase()}</dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>
            <HealthBadge status={d.health?.status} />
          </dd>
        </div>
        <div>
          <dt>Accuracy</dt>
          <dd>{fmtNum(d.health?.accuracy, 4)}</dd>
        </div>
        <div>
          <dt>Drift</dt>
          <dd className={(d.health?.drift ?? 0) > 0.33 ? 'tone-bad-text' : undefined}>{fmtNum(d.health?.drift, 4)}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd>{fmtNum(d.health?.errorRate, 5)}</dd>
        </div>
        <div>
          <dt>Latency p95</dt>
          <dd>{d.health?.latencyP95Ms != null ? `${d.health.latencyP95Ms} ms` : '—'}</dd>
        </div>
      </dl>
      <p className="muted small mono">{d.endpoint}</p>
    </article>
  );
}
