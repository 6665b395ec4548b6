/**
 * A small dependency-free SVG line chart: several series over time, vertical markers (releases),
 * an optional threshold line. Accessible through a summary and a data table in <details>.
 */
export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  points: { t: number; v: number }[];
}
export interface ChartMarker {
  t: number;
  label: string;
}

const W = 760;
const H = 220;
const PAD = { l: 46, r: 12, t: 14, b: 26 };

function niceTicks(min: number, max: number, n = 4): number[] {
  if (max <= min) return [min];
  const step = (max - min) / n;
  return Array.from({ length: n + 1 }, (_, i) => min + i * step);
}

const fmtAxisDate = (t: number) => new Date(t).toISOString().slice(5, 10);

export function LineChart({
  title,
  series,
  markers = [],
  threshold,
  yDomain,
  xDomain,
  digits = 3,
  floorZero = false,
  testId,
}: {
  title: string;
  series: ChartSeries[];
  markers?: ChartMarker[];
  threshold?: { v: number; label: string };
  yDomain?: [number, number];
  xDomain: [number, number];
  digits?: number;
  /** Never draw below zero (scores that cannot be negative). */
  floorZero?: boolean;
  testId?: string;
}) {
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = xDomain[1] > xDomain[0] ? xDomain : [xDomain[0], xDomain[0] + 1];
  let [y0, y1] = yDomain ?? [Math.min(...all.map((p) => p.v)), Math.max(...all.map((p) => p.v))];
  if (threshold && !yDomain) y1 = Math.max(y1, threshold.v * 1.1);
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-6) [y0, y1] = [y0 - 0.01, y1 + 0.01];
  const pad = (y1 - y0) * 0.08;
  if (!yDomain) [y0, y1] = [floorZero ? Math.max(0, y0 - pad) : y0 - pad, y1 + pad];
  const sx = (t: number) => PAD.l + ((t - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const sy = (v: number) => H - PAD.b - ((v - y0) / (y1 - y0)) * (H - PAD.t - PAD.b);
  const latest = [...all].sort((a, b) => b.t - a.t)[0];
  const summary = all.length
    ? `${title}: ${all.length} points; min ${Math.min(...all.map((p) => p.v)).toFixed(digits)}, max ${Math.max(...all.map((p) => p.v)).toFixed(digits)}, latest ${latest!.v.toFixed(digits)}; ${markers.length} release marker(s).`
    : `${title}: no data in this window.`;
  const visibleMarkers = markers.filter((m) => m.t >= x0 && m.t <= x1);

  return (
    <figure className="chart" data-testid={testId} data-points={all.length} style={{ margin: 0 }}>
      <figcaption>
        <strong>{title}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} />
        <line className="axis" x1={PAD.l} x2={PAD.l} y1={PAD.t} y2={H - PAD.b} />
        {niceTicks(y0, y1).map((v) => (
          <g key={v}>
            <line className="axis" x1={PAD.l} x2={W - PAD.r} y1={sy(v)} y2={sy(v)} opacity={0.35} />
            <text className="tick" x={PAD.l - 4} y={sy(v) + 3} textAnchor="end">
              {v.toFixed(digits)}
            </text>
          </g>
        ))}
        {niceTicks(x0, x1, 5).map((t) => (
          <text key={t} className="tick" x={sx(t)} y={H - 8} textAnchor="middle">
            {fmtAxisDate(t)}
          </text>
        ))}
        {threshold ? (
          <g>
            <line x1={PAD.l} x2={W - PAD.r} y1={sy(threshold.v)} y2={sy(threshold.v)} stroke="#b3261e" strokeDasharray="5 4" />
            <text className="tick" x={W - PAD.r - 2} y={sy(threshold.v) - 3} textAnchor="end" fill="#b3261e">
              {threshold.label}
            </text>
          </g>
        ) : null}
        {visibleMarkers.map((m, i) => (
          <g key={`${m.t}-${i}`} data-testid="release-marker">
            <line className="marker" x1={sx(m.t)} x2={sx(m.t)} y1={PAD.t} y2={H - PAD.b} />
            <text className="marker-label" x={sx(m.t) + 3} y={PAD.t + 8 + (i % 3) * 10}>
              {m.label}
            </text>
          </g>
        ))}
        {series.map((s) =>
          s.points.length > 1 ? (
            <polyline key={s.key} className="line" stroke={s.color} points={s.points.map((p) => `${sx(p.t).toFixed(1)},${sy(p.v).toFixed(1)}`).join(' ')} />
          ) : s.points.length === 1 ? (
            <circle key={s.key} cx={sx(s.points[0]!.t)} cy={sy(s.points[0]!.v)} r={2.5} fill={s.color} />
          ) : null,
        )}
      </svg>
      <div className="legend">
        {series
          .filter((s, i, a) => s.points.length && a.findIndex((x) => x.label === s.label && x.color === s.color) === i)
          .map((s) => (
            <span key={s.key}>
              <span className="swatch" style={{ background: s.color }} />
              {s.label}
            </span>
          ))}
      </div>
      <details className="small">
        <summary>Data</summary>
        <p className="muted">{summary}</p>
        <ul>
          {visibleMarkers.map((m, i) => (
            <li key={`${m.t}-${i}`}>
              {new Date(m.t).toISOString().slice(0, 16).replace('T', ' ')} — {m.label}
            </li>
          ))}
        </ul>
      </details>
    </figure>
  );
}
