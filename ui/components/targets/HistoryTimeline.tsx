'use client';
/** Every deployment on a target, newest first, grouped into events (a canary starts two at once). */
import { useMemo, useState } from 'react';
import { Pill } from '@/components/common/badges';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { graphql, getFragmentData } from '@/gql';
import type { HistoryEntry_DeploymentFragment as Entry } from '@/gql/graphql';
import { fmtDate, fmtDuration } from '@/lib/format';
import { useTargetHistory } from '@/lib/queries/targets';
import { ModelVersionLink, versionLabel } from '@/components/common/ModelVersionLink';

export const HistoryEntry_DeploymentFragment = graphql(`
  fragment HistoryEntry_Deployment on Deployment {
    id
    state
    strategy
    trafficPercent
    since
    until
    modelVersion {
      id
      version
    }
  }
`);

const KIND_LABEL: Record<string, string> = { HOT_SWAP: 'Hot swap', CANARY: 'Canary', PROMOTION: 'Promotion', ROLLBACK: 'Rollback' };

function describe(group: Entry[]): string {
  const byShare = [...group].sort((a, b) => a.trafficPercent - b.trafficPercent);
  const lead = byShare[0]!;
  switch (lead.strategy) {
    case 'CANARY':
      return group.length > 1
        ? `${versionLabel(lead.modelVersion)} took ${lead.trafficPercent}% as a canary; ${versionLabel(byShare[1]!.modelVersion)} kept ${byShare[1]!.trafficPercent}%`
        : `${versionLabel(lead.modelVersion)} serves ${lead.trafficPercent}% as a canary`;
    case 'PROMOTION':
      return `${versionLabel(lead.modelVersion)} promoted to ${lead.trafficPercent}%`;
    case 'ROLLBACK':
      return `rolled back to ${versionLabel(lead.modelVersion)}`;
    default:
      return `${versionLabel(lead.modelVersion)} hot-swapped in (${lead.trafficPercent}%)`;
  }
}

export function HistoryTimeline({ targetId }: { targetId: string }) {
  const [first, setFirst] = useState(20);
  const [res, refetch] = useTargetHistory(targetId, first, null);
  const conn = res.data?.releaseTarget?.deploymentHistory;
  const groups = useMemo(() => {
    const entries = (conn?.nodes ?? []).map((n) => getFragmentData(HistoryEntry_DeploymentFragment, n));
    const out: Entry[][] = [];
    for (const e of entries) {
      const last = out[out.length - 1];
      if (last && last[0]!.since === e.since) last.push(e);
      else out.push([e]);
    }
    return out;
  }, [conn]);

  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="History" /> : <Loading label="Loading history…" />;
  if (!conn) return res.error ? <ErrorState error={res.error} what="History" /> : <Empty>No deployment history (the inference platform did not answer).</Empty>;
  if (groups.length === 0) return <Empty>Nothing was ever deployed here.</Empty>;
  return (
    <div>
      <ol className="timeline" data-testid="history">
        {groups.map((g) => {
          const lead = [...g].sort((a, b) => a.trafficPercent - b.trafficPercent)[0]!;
          const live = g.some((e) => e.until === null);
          return (
            <li key={g.map((e) => e.id).join('+')} className={`kind-${lead.strategy.toLowerCase()}${live ? ' live' : ''}`} data-testid="history-event" data-strategy={lead.strategy}>
              <div className="row">
                <strong>{KIND_LABEL[lead.strategy] ?? lead.strategy}</strong>
                <span className="muted small">{fmtDate(lead.since)}</span>
                {live ? <Pill value="ACTIVE">serving</Pill> : null}
              </div>
              <div>{describe(g)}</div>
              <div className="small muted">
                {g.map((e, i) => (
                  <span key={e.id}>
                    {i > 0 ? ' · ' : ''}
                    <ModelVersionLink mv={e.modelVersion} />{' '}
                    {e.trafficPercent}% {e.state.toLowerCase().replace('_', ' ')}
                    {e.until ? ` until ${fmtDate(e.until)} (${fmtDuration(e.since, e.until)})` : ''}
                  </span>
                ))}
              </div>
            </li>
          );
        })}
      </ol>
      {conn.pageInfo.hasNextPage ? (
        <button type="button" onClick={() => setFirst((f) => Math.min(f + 20, 200))} disabled={res.fetching}>
          Show older ({conn.totalCount - conn.nodes.length} more)
        </button>
      ) : null}
    </div>
  );
}
