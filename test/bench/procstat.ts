/**
 * Per-process figures from /proc (Linux): CPU time (utime + stime) and peak resident memory
 * (VmHWM) of a process and its descendants, so a bench can charge CPU per request to each
 * service whatever launched it (tsx runs a script in a child of its own CLI process).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of the utime/stime fields (`getconf CLK_TCK`, almost always 100). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime in ms. */
  cpuMs: number;
}

function readStat(pid: number): Stat | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: parse after it.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { pid, ppid, cpuMs: ((utime + stime) * 1000) / CLK_TCK };
  } catch {
    return null;
  }
}

/** The pid and every live descendant (children of children…). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(st.pid);
    children.set(st.ppid, list);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    if (!readStat(p)) continue;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The command line of a process, arguments joined by spaces ('' when it is gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** CPU time (user + system, ms) used so far by these processes together. */
export function cpuMs(pids: number[]): number {
  return pids.reduce((a, p) => a + (readStat(p)?.cpuMs ?? 0), 0);
}

/** Peak resident set (VmHWM, MiB) of each process, summed. */
export function peakRssMiB(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

/** The 1-minute load average. */
export function load1(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** The process in front of the subgraphs: our gateway, or the peer router. */
const FRONT = new Set(['gateway', 'router']);
/** Running but sent nothing (our gateway under the peer): printed, never summed. */
const IDLE = new Set(['idle-gateway']);

/**
 * A per-process figure (CPU per request, peak RSS) by role, grouped: gateway (or router), all
 * subgraph processes (with the platforms host and the serve supervisor), Neo4j.
 */
export function groupByRole(cpu: Record<string, number>) {
  let gateway = 0;
  let subgraphs = 0;
  let neo4j = 0;
  for (const [role, v] of Object.entries(cpu)) {
    if (IDLE.has(role)) continue;
    if (FRONT.has(role)) gateway += v;
    else if (role === 'neo4j') neo4j += v;
    else subgraphs += v;
  }
  return { gateway, subgraphs, neo4j, total: gateway + subgraphs + neo4j };
}
