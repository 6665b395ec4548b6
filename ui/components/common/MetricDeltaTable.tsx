import type { ReactNode } from 'react';
import { deltaTone, fmtDelta, fmtNum } from '@/lib/format';

export interface MetricDeltaRow {
  key: string;
  before: number | null | undefined;
  after: number | null | undefined;
  delta: number | null | undefined;
}

/** Metrics side by side with their delta, toned by whether higher or lower is better. */
export function MetricDeltaTable(props: {
  rows: MetricDeltaRow[];
  beforeLabel: string;
  caption: ReactNode;
  /** Shown above the table; otherwise only for screen readers. */
  visibleCaption?: boolean;
  testId?: string;
  /** Adds data-testid="delta-<key>" to each delta cell. */
  deltaTestIds?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid={props.testId}>
        <caption className={props.visibleCaption ? 'small' : 'sr-only'} style={props.visibleCaption ? { textAlign: 'left', padding: '0.3rem 0.6rem' } : undefined}>
          {props.caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              {props.beforeLabel}
            </th>
            <th scope="col" className="num">
              Candidate
            </th>
            <th scope="col" className="num">
              Δ
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((m) => (
            <tr key={m.key}>
              <th scope="row">{m.key}</th>
              <td className="num">{fmtNum(m.before)}</td>
              <td className="num">{fmtNum(m.after)}</td>
              <td className={`num tone-${deltaTone(m.key, m.delta)}-text`} data-testid={props.deltaTestIds ? `delta-${m.key}` : undefined}>
                {fmtDelta(m.delta)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
