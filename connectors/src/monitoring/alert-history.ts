/**
 * A durable, bounded history of alert transitions (firing, resolved) as Alertmanager delivers
 * them: Prometheus forgets an alert once it resolves, so without this a resolved alert vanishes
 * and nobody can say when it ended.
 *
 * Storage is one append-only JSON-lines file, `alerts.jsonl`, in the configured directory:
 * - each append is one `write` of whole lines followed by `fsync`, so an acknowledged delivery
 *   survives a crash; a crash mid-write can leave at most a torn last line, which reading skips
 *   and the next append starts after a newline instead of continuing;
 * - a transition is identified by fingerprint + startsAt + status: Alertmanager redelivers the
 *   same alert on every group interval and on retries, and those add nothing;
 * - past `maxRecords` (+10 %, so compaction is not paid on every append) the newest `maxRecords`
 *   are written to a temporary file, fsynced and renamed over it: readers see the old file or the
 *   new one, never a mix.
 * Reads re-load the file when its size, mtime or inode changed, so another process writing to the
 * same directory is seen too. One writing process per directory (compaction is not coordinated
 * across processes).
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface AlertTransition {
  /** Alertmanager's fingerprint of the label set (hex). */
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  /** When it resolved (resolved transitions only). */
  endsAt: string | null;
  alertname: string;
  deploymentId: string;
  targetId: string;
  projectId: string | null;
  severity: 'CRITICAL' | 'WARNING';
  metric: string;
  message: string;
  receivedAt: string;
}

export interface AlertHistoryOptions {
  dir: string;
  /** Records kept after a compaction (default 10,000). */
  maxRecords?: number;
}

const FILE = 'alerts.jsonl';
const keyOf = (t: Pick<AlertTransition, 'fingerprint' | 'startsAt' | 'status'>) => `${t.fingerprint}|${t.startsAt}|${t.status}`;

function isTransition(v: unknown): v is AlertTransition {
  const t = v as Partial<AlertTransition> | null;
  return (
    typeof t === 'object' && t !== null &&
    typeof t.fingerprint === 'string' && (t.status === 'firing' || t.status === 'resolved') &&
    typeof t.startsAt === 'string' && typeof t.alertname === 'string' &&
    typeof t.deploymentId === 'string' && typeof t.targetId === 'string'
  );
}

export class AlertHistory {
  readonly file: string;
  readonly maxRecords: number;
  private records: AlertTransition[] = [];
  private keys = new Set<string>();
  private stamp = '';
  /** Appends and compactions run one at a time (in this process). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(o: AlertHistoryOptions) {
    this.file = path.join(o.dir, FILE);
    this.maxRecords = o.maxRecords ?? 10_000;
    if (!(this.maxRecords >= 1)) throw new Error('alert history: maxRecords must be at least 1');
  }

  /** Every transition kept, oldest first. */
  async all(): Promise<readonly AlertTransition[]> {
    await this.refresh();
    return this.records;
  }

  /**
   * Appends the transitions not yet recorded; resolves once they are on disk.
   * @returns how many were new and how many were already there.
   */
  append(transitions: readonly AlertTransition[]): Promise<{ added: number; duplicates: number }> {
    const run = this.chain.then(() => this.appendNow(transitions));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async appendNow(transitions: readonly AlertTransition[]) {
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await this.refresh();
    const fresh: AlertTransition[] = [];
    const batch = new Set<string>();
    for (const t of transitions) {
      const k = keyOf(t);
      if (this.keys.has(k) || batch.has(k)) continue;
      batch.add(k);
      fresh.push(t);
    }
    if (fresh.length > 0) {
      const fh = await fsp.open(this.file, 'a+');
      try {
        // A torn last line (a crash mid-write) must not swallow the first new record.
        const { size } = await fh.stat();
        let lead = '';
        if (size > 0) {
          const last = Buffer.alloc(1);
          await fh.read(last, 0, 1, size - 1);
          if (last[0] !== 0x0a) lead = '\n';
        }
        await fh.write(lead + fresh.map((t) => JSON.stringify(t)).join('\n') + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      for (const t of fresh) {
        this.records.push(t);
        this.keys.add(keyOf(t));
      }
      if (this.records.length > this.maxRecords + Math.ceil(this.maxRecords / 10)) await this.compact();
      this.stamp = await this.stampOf();
    }
    return { added: fresh.length, duplicates: transitions.length - fresh.length };
  }

  private async compact() {
    const keep = this.records.slice(-this.maxRecords);
    const tmp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.write(keep.map((t) => JSON.stringify(t)).join('\n') + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, this.file);
    // The rename itself is durable only once the directory is synced.
    const dh = await fsp.open(path.dirname(this.file), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    this.records = keep;
    this.keys = new Set(keep.map(keyOf));
  }

  private async stampOf(): Promise<string> {
    try {
      const s = await fsp.stat(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw e;
    }
  }

  private async refresh() {
    const stamp = await this.stampOf();
    if (stamp === this.stamp) return;
    let text = '';
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const records: AlertTransition[] = [];
    const keys = new Set<string>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue; // a torn line from a crash mid-write
      }
      if (!isTransition(v) || keys.has(keyOf(v))) continue;
      keys.add(keyOf(v));
      records.push(v);
    }
    this.records = records;
    this.keys = keys;
    this.stamp = stamp;
  }
}
