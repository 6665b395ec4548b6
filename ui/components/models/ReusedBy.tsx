'use client';
/** Who reuses a model version: other targets serving it, derived models, models trained on the same data. */
import Link from 'next/link';
import { Empty, ErrorState, Loading } from '@/components/common/states';
import { graphql, getFragmentData } from '@/gql';
import { href } from '@/lib/paths';
import { useReusedBy } from '@/lib/queries/models';

export const ReusedBy_ReportFragment = graphql(`
  fragment ReusedBy_Report on ReuseReport {
    truncated
    entries {
      kind
      path
      modelVersion {
        id
      }
      target {
        id
      }
    }
  }
`);

const KINDS = [
  { kind: 'SAME_VERSION', title: 'Other targets serving this version' },
  { kind: 'DERIVED_MODEL', title: 'Models derived from it (fine-tuned)' },
  { kind: 'SHARED_DATA', title: 'Models trained on the same data' },
];

export function ReusedBy({ modelVersionId }: { modelVersionId: string }) {
  const [res, refetch] = useReusedBy(modelVersionId);
  if (!res.data) return res.error ? <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Reuse" /> : <Loading label="Looking for reuse…" />;
  const raw = res.data.modelVersion?.reusedBy;
  if (!raw) return <Empty>Reuse is unknown (the lineage graph did not answer).</Empty>;
  const r = getFragmentData(ReusedBy_ReportFragment, raw);
  if (r.entries.length === 0) return <Empty>Nothing else reuses this model version.</Empty>;
  return (
    <div className="grid two" data-testid="reused-by">
      {KINDS.map(({ kind, title }) => {
        const list = r.entries.filter((e) => e.kind === kind);
        return (
          <div key={kind} className="card">
            <h3>
              {title} <span className="muted">({list.length})</span>
            </h3>
            {list.length === 0 ? (
              <p className="muted small">None.</p>
            ) : (
              <ul className="small node-list">
                {list.slice(0, 100).map((e, i) => (
                  <li key={`${e.modelVersion.id}-${e.target?.id ?? ''}-${i}`}>
                    {e.target ? (
                      <>
                        <Link href={href.target(e.target.id)}>{e.target.id}</Link> via{' '}
                      </>
                    ) : null}
                    <Link href={href.model(e.modelVersion.id)} className="mono">
                      {e.modelVersion.id}
                    </Link>
                    {e.path.length > 2 ? <span className="muted"> (path {e.path.join(' → ')})</span> : null}
                  </li>
                ))}
                {list.length > 100 ? <li className="muted">…and {list.length - 100} more</li> : null}
              </ul>
            )}
          </div>
        );
      })}
      {r.truncated ? <p className="muted small">The list was cut at 200 entries.</p> : null}
    </div>
  );
}
