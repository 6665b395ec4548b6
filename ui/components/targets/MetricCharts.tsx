'use client';
/**
 * Accuracy and drift over time on a target: each deployment's series (Deployment.series) in its
 * own colour, with a marker where each deployment started (a release, canary, promotion or rollback).
 */
import { useMemo, useState } from 'react';
import { LineChart, type ChartMarker, type ChartSeries } from '@/components/common/LineChart';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { useTargetSeries } from '@/lib/queries/targets';
import { versionLabel } from '@/components/common/ModelVersionLink';

const WINDOWS = [
  { days: 7, step: 3 * 3600, label: '7 days' },
  { days: 30, step: 6 * 3600, label: '30 days' },
  { days: 90, step: 24 * 3600, label: '90 days' },
  { days: 365, step: 3 * 24 * 3600, label: '1 year' },
];
const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#be185d', '#0f766e', '#a16207', '#4b5563'];
const STRATEGY: Record<string, string> = { HOT_SWAP: 'hot swap', CANARY: 'canary', PROMOTION: 'promotion', ROLLBACK: 'rollback' };

/** `anchor`: the monitoring platform's latest evaluation (its "now"). */
export function MetricCharts({ targetId, anchor }: { targetId: string; anchor: string | null | undefined }) {
  const [w, setW] = useState(WINDOWS[1]!);
  // Stable per anchor: the window's start is part of the query variables.
  const anchorMs = useMemo(() => (anchor ? Date.parse(anchor) : Math.floor(Date.now() / 3_600_000) * 3_600_000), [anchor]);
  const from = new Date(anchorMs - w.days * 86_400_000).toISOString();
  const [res, refetch] = useTargetSeries({ id: targetId, from, step: w.step, deployments: 20 }, false);
  const nodes = res.data?.releaseTarget?.deploymentHistory?.nodes;

  const chart = useMemo(() => {
    if (!nodes) return null;
    const fromMs = Date.parse(from);
    const colorOf = new Map<string, string>();
    const mvKey = (n: (typeof nodes)[number]) => n.modelVersion?.id ?? `unavailable-${n.id}`;
    for (const n of [...nodes].reverse()) if (!colorOf.has(mvKey(n))) colorOf.set(mvKey(n), COLORS[colorOf.size % COLORS.length]!);
    const mk = (pick: 'accuracy' | 'drift'): ChartSeries[] =>
      nodes
        .map((n) => ({
          key: `${pick}-${n.id}`,
          label: versionLabel(n.modelVersion),
          color: colorOf.get(mvKey(n))!,
          points: (n[pick]?.points ?? []).map((p) => ({ t: Date.parse(p.at), v: p.value })),
        }))
        .filter((s) => s.points.length > 0);
    const starts = new Map<string, ChartMarker>();
    for (const n of nodes) {
      const t = Date.parse(n.since);
      if (t < fromMs) continue;
      const prev = starts.get(n.since);
      const label = `${versionLabel(n.modelVersion)} ${STRATEGY[n.strategy] ?? n.strategy.toLowerCase()}`;
      starts.set(n.since, { t, label: prev ? `${prev.label} / ${label}` : label });
    }
    const accuracy = mk('accuracy');
    const drift = mk('drift');
    const markers = [...starts.values()];
    const ts = [...accuracy, ...drift].flatMap((s) => s.points.map((p) => p.t)).concat(markers.map((m) => m.t));
    const xDomain: [number, number] = [fromMs, Math.max(anchorMs, ...ts)];
    return { accuracy, drift, markers, xDomain };
  }, [nodes, from, anchorMs]);

  return (
    <div className="stack">
      <div className="row" role="group" aria-label="Time window">
        {WINDOWS.map((x) => (
          <button key={x.days} type="button" aria-pressed={x.days === w.days} className={x.days === w.days ? 'primary small' : 'small'} onClick={() => setW(x)}>
            {x.label}
          </button>
        ))}
      </div>
      {!res.data ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} what="Metrics" />
        ) : (
          <Loading label="Loading metrics…" />
        )
      ) : !chart ? (
        <Empty>No deployments, so no metrics.</Empty>
      ) : (
        <>
          {res.error ? <PartialWarning error={res.error} /> : null}
          {chart.accuracy.length === 0 && chart.drift.length === 0 ? <Empty>No monitoring data in this window.</Empty> : null}
          <div className="grid two">
            <div className="card">
              <LineChart title="Accuracy" series={chart.accuracy} markers={chart.markers} xDomain={chart.xDomain} testId="chart-accuracy" />
            </div>
            <div className="card">
              <LineChart
                title="Drift score"
                series={chart.drift}
                markers={chart.markers}
                xDomain={chart.xDomain}
                threshold={{ v: 0.33, label: 'critical 0.33' }}
                floorZero
                testId="chart-drift"
              />
            </div>
          </div>
        </>
      )}
    </div>
  );
}
