'use client';
import Link from 'next/link';
import { HealthBadge, Pill } from '@/components/common/badges';
import { graphql, getFragmentData, type FragmentType } from '@/gql';
import { fmtDay, fmtNum } from '@/lib/format';
import { href } from '@/lib/paths';
import { TrafficSplit } from '@/components/targets/TrafficSplit';
import { ModelVersionLink, versionLabel } from '@/components/common/ModelVersionLink';

export const TargetRow_TargetFragment = graphql(`
  fragment TargetRow_Target on ReleaseTarget {
    id
    name
    line
    plant
    currentDeployments {
      id
      state
      trafficPercent
      since
      modelVersion {
        id
        name
        version
      }
    }
    health {
      status
      drift
      accuracy
    }
    alerts(first: 1) {
      totalCount
    }
  }
`);

export function TargetRow(props: { target: FragmentType<typeof TargetRow_TargetFragment> }) {
  const t = getFragmentData(TargetRow_TargetFragment, props.target);
  const deps = [...(t.currentDeployments ?? [])].sort((a, b) => b.trafficPercent - a.trafficPercent);
  const champion = deps[0];
  const critical = (t.health?.drift ?? 0) > 0.33;
  return (
    <tr data-testid="target-row" data-target={t.id}>
      <th scope="row">
        <Link href={href.target(t.id)}>{t.name}</Link>
        <div className="muted small">{t.id}</div>
      </th>
      <td>{t.line}</td>
      <td>
        {champion ? (
          <ModelVersionLink mv={champion.modelVersion} />
        ) : t.currentDeployments === null ? (
          <span className="muted" title="the inference platform did not answer">unavailable</span>
        ) : (
          <span className="muted">nothing serving</span>
        )}
        {deps.length > 1 ? (
          <div>
            <Pill value="CANARY">canary</Pill>
          </div>
        ) : null}
      </td>
      <td>{champion ? fmtDay(champion.since) : '—'}</td>
      <td>
        <TrafficSplit deployments={deps.map((d) => ({ id: d.id, label: versionLabel(d.modelVersion), percent: d.trafficPercent, canary: d.state === 'CANARY' }))} />
      </td>
      <td>
        <HealthBadge status={t.health?.status} />
        {t.alerts && t.alerts.totalCount > 0 ? (
          <div className="small">
            <Pill value="WARNING">{t.alerts.totalCount} open alert{t.alerts.totalCount > 1 ? 's' : ''}</Pill>
          </div>
        ) : null}
      </td>
      <td className={critical ? 'num tone-bad-text' : 'num'}>{fmtNum(t.health?.drift, 3)}</td>
    </tr>
  );
}
