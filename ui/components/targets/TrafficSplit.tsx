/** A bar of traffic shares, e.g. v5 90% · v6 10% (canary). */
export function TrafficSplit({ deployments }: { deployments: { id: string; label: string; percent: number; canary?: boolean }[] }) {
  if (deployments.length === 0) return <span className="muted">—</span>;
  const text = deployments.map((d) => `${d.label} ${d.percent}%`).join(' · ');
  return (
    <div className="traffic" title={text}>
      <div className="traffic-bar" aria-hidden="true">
        {deployments.map((d) => (
          <span key={d.id} className={d.canary ? 'seg canary' : 'seg'} style={{ width: `${d.percent}%` }} />
        ))}
      </div>
      <span className="small">{text}</span>
    </div>
  );
}
