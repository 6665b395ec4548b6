/** Small display helpers (dates in UTC so server and browser render the same text). */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function fmtDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.slice(0, 10);
}

export function fmtNum(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return Number(x.toFixed(digits)).toString();
}

export function fmtDelta(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  const v = Number(x.toFixed(digits));
  return v > 0 ? `+${v}` : `${v}`;
}

export function fmtPct(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${x}%`;
}

/** "3 days", "5 h" between two instants (to defaults to now). */
export function fmtDuration(fromIso: string, toIso?: string | null): string {
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} days`;
}

/** Lower is better for these metric keys. */
export const LOWER_IS_BETTER = new Set(['loss', 'drift', 'errorRate', 'latencyP95Ms']);

export function deltaTone(key: string, delta: number | null | undefined): 'good' | 'bad' | 'neutral' {
  if (delta === null || delta === undefined || Math.abs(delta) < 1e-9) return 'neutral';
  const better = LOWER_IS_BETTER.has(key) ? delta < 0 : delta > 0;
  return better ? 'good' : 'bad';
}

export function shortHash(h: string, n = 10): string {
  return h.length > n ? `${h.slice(0, n)}…` : h;
}
