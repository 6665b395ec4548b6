/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` or the inspector's Profiler writes) and
 * ranks functions and packages by self time: the time the CPU spent in that function's own
 * code, not in what it called.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  /** Where: a package (node_modules/<pkg>/…), a file of the checkout, or node's own. */
  where: string;
  selfMs: number;
  /** Share of the busy time (everything but `(idle)`), percent. */
  pct: number;
}

export interface ProfileSummary {
  /** Busy CPU time sampled (ms), idle excluded. */
  busyMs: number;
  wallMs: number;
  functions: SelfTime[];
  packages: { where: string; selfMs: number; pct: number }[];
}

/** `…/node_modules/@apollo/gateway/dist/x.js` → `@apollo/gateway/dist/x.js`; checkout files relative to its root. */
function shortUrl(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  if (u.startsWith(root)) return u.slice(root.length).replace(/^\//, '');
  return u || '(native)';
}

function packageOf(where: string): string {
  if (where === '(native)') return '(native code: I/O writes, JSON, crypto…)';
  if (where.startsWith('node:internal/deps/undici')) return 'node: undici (fetch)';
  if (/^node:(_http|http|internal\/http)/.test(where)) return 'node: http';
  if (/^node:(internal\/streams|stream|net|internal\/stream_base)/.test(where)) return 'node: streams, net';
  if (where.startsWith('node:')) return 'node: (core, other)';
  const parts = where.split('/');
  if (parts[0]?.startsWith('@') && parts.length > 1 && !parts[0].includes('.')) return `${parts[0]}/${parts[1]}`;
  if (/^(kit|gateway|connectors|subgraphs|scripts)\b/.test(where)) return parts[0] === 'subgraphs' ? `subgraphs/${parts[1]}` : parts[0]!;
  return parts[0] ?? where;
}

export function summarizeProfile(file: string, root: string, top = 10): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Samples taken inside the bench's own probe (stopping the profiler serializes the profile
  // while it still samples) are not the service's work: leave them out.
  const excluded = new Set<number>();
  const mark = (id: number, inside: boolean) => {
    const n = byId.get(id);
    if (!n) return;
    const now = inside || n.callFrame.url.endsWith('/test/bench/probe.mjs');
    if (now) excluded.add(id);
    for (const c of n.children ?? []) mark(c, now);
  };
  if (p.nodes[0]) mark(p.nodes[0].id, false);
  const selfUs = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; charge it to the sample's node.
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const pkg = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n || excluded.has(id)) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    busy += us;
    const where = n.callFrame.url ? `${shortUrl(n.callFrame.url, root)}:${n.callFrame.lineNumber + 1}` : '(native)';
    const key = `${name} ${where}`;
    const f = fn.get(key) ?? { name, where, us: 0 };
    f.us += us;
    fn.set(key, f);
    const pk = name === '(garbage collector)' ? '(garbage collector)' : name === '(program)' ? '(program: V8 / native)' : packageOf(where.replace(/:\d+$/, ''));
    pkg.set(pk, (pkg.get(pk) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    busyMs: Math.round(busy / 1000),
    wallMs: Math.round((p.endTime - p.startTime) / 1000),
    functions: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), pct: pct(f.us) })),
    packages: [...pkg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({ where, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}
