import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertHistory, type AlertTransition } from './alert-history.ts';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'alert-history-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const t = (i: number, status: AlertTransition['status'] = 'firing'): AlertTransition => ({
  fingerprint: i.toString(16).padStart(16, '0'),
  status,
  startsAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  endsAt: status === 'resolved' ? new Date(Date.UTC(2026, 0, 1, 1, 0, i)).toISOString() : null,
  alertname: 'MlopsDriftCritical',
  deploymentId: `d${i}`,
  targetId: `t${i}`,
  projectId: 'p',
  severity: 'CRITICAL',
  metric: 'drift_score',
  message: `drift on t${i}`,
  receivedAt: '2026-01-01T02:00:00.000Z',
});

describe('AlertHistory (alerts.jsonl)', () => {
  it('appends durably, deduplicates by fingerprint + startsAt + status, and a new instance reads it back', async () => {
    const dir = fresh();
    const h = new AlertHistory({ dir });
    expect(await h.all()).toEqual([]);
    expect(await h.append([t(1), t(1), t(2)])).toEqual({ added: 2, duplicates: 1 });
    expect(await h.append([t(1), t(1, 'resolved')])).toEqual({ added: 1, duplicates: 1 });
    expect(await new AlertHistory({ dir }).all()).toEqual([t(1), t(2), t(1, 'resolved')]);
  });

  it('skips a torn last line (a crash mid-write) and starts the next record on its own line', async () => {
    const dir = fresh();
    const h = new AlertHistory({ dir });
    await h.append([t(1)]);
    appendFileSync(h.file, JSON.stringify(t(2)).slice(0, 40));
    const other = new AlertHistory({ dir });
    expect(await other.all()).toEqual([t(1)]);
    await other.append([t(3)]);
    expect(await new AlertHistory({ dir }).all()).toEqual([t(1), t(3)]);
    // The writer that did not write the last line sees the other's append too.
    expect(await h.all()).toEqual([t(1), t(3)]);
  });

  it('stays bounded: past maxRecords + 10 % it keeps the newest maxRecords, by an atomic rename', async () => {
    const dir = fresh();
    const h = new AlertHistory({ dir, maxRecords: 10 });
    for (let i = 0; i < 11; i++) await h.append([t(i)]);
    expect((await h.all()).length).toBe(11);
    await h.append([t(11)]);
    expect((await h.all()).map((r) => r.deploymentId)).toEqual(['d2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11']);
    expect(readFileSync(h.file, 'utf8').trim().split('\n')).toHaveLength(10);
    expect(readdirSync(dir)).toEqual(['alerts.jsonl']);
    expect(await new AlertHistory({ dir, maxRecords: 10 }).all()).toEqual(await h.all());
  });

  it('concurrent appends of the same transitions store them once', async () => {
    const h = new AlertHistory({ dir: fresh() });
    const results = await Promise.all(Array.from({ length: 8 }, () => h.append([t(1), t(2)])));
    expect(results.reduce((n, r) => n + r.added, 0)).toBe(2);
    expect(readFileSync(h.file, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
