'use client';
/** The champion against the candidates trained for this target: metric deltas, data changes, gates. */
import Link from 'next/link';
import { GateBadge } from '@/components/common/badges';
import { MetricDeltaTable } from '@/components/common/MetricDeltaTable';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { graphql, getFragmentData } from '@/gql';
import { fmtDate } from '@/lib/format';
import { href } from '@/lib/paths';
import { useTargetComparison } from '@/lib/queries/targets';

export const ComparisonPanel_ComparisonFragment = graphql(`
  fragment ComparisonPanel_Comparison on TargetComparison {
    champion {
      id
      version
      createdAt
    }
    candidates {
      modelVersion {
        id
        version
        createdAt
        aliases
      }
      metrics {
        key
        champion
        candidate
        delta
      }
      datasetsAdded {
        id
        uri
        createdAt
      }
      datasetsRemoved {
        id
        uri
      }
      gates {
        gate
        passed
        detail
        targetId
      }
    }
  }
`);

export function ComparisonPanel({ targetId, onRequest, canRequest }: { targetId: string; onRequest: (candidateId: string) => void; canRequest: boolean }) {
  const [res, refetch] = useTargetComparison(targetId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Comparison" /> : <Loading label="Comparing…" />;
  const raw = res.data.releaseTarget?.comparison;
  if (!raw) return res.error ? <PartialWarning error={res.error} /> : <Empty>No comparison available.</Empty>;
  const c = getFragmentData(ComparisonPanel_ComparisonFragment, raw);
  return (
    <div className="stack" data-testid="comparison">
      {res.error ? <PartialWarning error={res.error} /> : null}
      <p>
        Champion:{' '}
        {c.champion ? (
          <Link href={href.model(c.champion.id)} className="mono" data-testid="champion">
            {c.champion.id}
          </Link>
        ) : (
          <span className="muted">none</span>
        )}
        {c.champion ? <span className="muted small"> (registered {fmtDate(c.champion.createdAt)})</span> : null}
      </p>
      {c.candidates.length === 0 ? (
        <Empty>No candidate newer than the champion was trained for this target.</Empty>
      ) : (
        <div className="grid two">
          {c.candidates.map((cand) => {
            const allPassed = cand.gates.every((g) => g.passed);
            return (
              <article key={cand.modelVersion.id} className="card" data-testid="candidate" data-candidate={cand.modelVersion.id} aria-labelledby={`cand-${cand.modelVersion.version}`}>
                <div className="row">
                  <h3 id={`cand-${cand.modelVersion.version}`} style={{ margin: 0 }}>
                    <Link href={href.model(cand.modelVersion.id)} className="mono">
                      {cand.modelVersion.id}
                    </Link>
                  </h3>
                  <GateBadge passed={allPassed} />
                </div>
                <p className="muted small">registered {fmtDate(cand.modelVersion.createdAt)}</p>
                <MetricDeltaTable
                  caption={`Metrics of ${cand.modelVersion.id} against the champion`}
                  beforeLabel="Champion"
                  deltaTestIds
                  rows={cand.metrics.map((m) => ({ key: m.key, before: m.champion, after: m.candidate, delta: m.delta }))}
                />
                <h4 className="small">Data changes</h4>
                {cand.datasetsAdded.length + cand.datasetsRemoved.length === 0 ? (
                  <p className="muted small">Same training data as the champion.</p>
                ) : (
                  <ul className="small">
                    {cand.datasetsAdded.map((d) => (
                      <li key={`+${d.id}`}>
                        <span className="tone-good-text">+ </span>
                        <Link href={href.lineage(d.id)} className="mono">
                          {d.id}
                        </Link>
                      </li>
                    ))}
                    {cand.datasetsRemoved.map((d) => (
                      <li key={`-${d.id}`}>
                        <span className="tone-bad-text">− </span>
                        <Link href={href.lineage(d.id)} className="mono">
                          {d.id}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
                <h4 className="small">Gates</h4>
                <ul className="small" data-testid="gates">
                  {cand.gates.map((g) => (
                    <li key={`${g.gate}-${g.targetId ?? ''}`}>
                      <GateBadge passed={g.passed} /> <strong>{g.gate}</strong> <span className="muted">{g.detail}</span>
                    </li>
                  ))}
                </ul>
                <button type="button" onClick={() => onRequest(cand.modelVersion.id)} disabled={!canRequest} title={canRequest ? undefined : 'needs the requester role'}>
                  Request release of v{cand.modelVersion.version}…
                </button>
              </article>
            );
          })}
        </div>
      )}
    </div>
  );
}
