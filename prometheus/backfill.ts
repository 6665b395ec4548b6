/**
 * Backfills the plant scenario's health into Prometheus blocks:
 *
 *   tsx prometheus/backfill.ts --targets 60 --out /tmp/blocks   # then startLocalPrometheus({ blocksDir })
 *
 * Two kinds of series, every one labelled with project, target_id, model_version_id and
 * deployment_id (the labels the Prometheus monitoring connector selects on):
 * - the hourly metric series the built-in platform generates (`seriesValue`), one per
 *   SERIES_METRICS name, as `mlops_<metric>`, sampled on the hour over each deployment's life;
 * - the health evaluation of each deployment (`healthOf`): `mlops_health_accuracy`,
 *   `_drift`, `_latency_p95_ms`, `_error_rate`, `_evaluated_at_seconds` and
 *   `_traffic_percent`, one sample at its evaluation time (its end, or the scenario's now),
 *   with `serving="true"` on the deployments serving now. Health is the evaluation job's
 *   verdict, not the last wobbling hourly point, so it is kept as its own gauges.
 * The OpenMetrics file is turned into blocks by `promtool tsdb create-blocks-from openmetrics`
 * with `--max-block-duration=1458h` (without it a year of hourly data takes hours).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { getScenario, healthOf, SERIES_METRICS, seriesValue, type Deployment, type Scenario } from '@mlops/kit/scenario';

const HOUR = 3_600_000;

/** OpenMetrics label value escaping: backslash, double quote and newline. */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The labels every series of a deployment carries. */
export function labelsOf(s: Scenario, d: Deployment, extra: Record<string, string> = {}): string {
  const project = s.index.target.get(d.targetId)?.projectId ?? '';
  const all = { project, target_id: d.targetId, model_version_id: d.modelVersionId, deployment_id: d.id, ...extra };
  return `{${Object.entries(all).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

export interface BackfillOptions {
  scenario: Scenario;
  /** Where the blocks go (created if missing). */
  outDir: string;
  /** Only these targets' deployments; all by default. */
  targetIds?: readonly string[];
  /** Write the hourly metric series too (default true); health gauges are always written. */
  series?: boolean;
  /** Hourly series start no earlier than this (ISO); the whole history by default. */
  seriesFrom?: string;
}

/** Writes the OpenMetrics text for the slice to `file`; returns the sample count. */
export async function writeOpenMetrics(file: string, o: Omit<BackfillOptions, 'outDir'>): Promise<number> {
  const s = o.scenario;
  const only = o.targetIds ? new Set(o.targetIds) : null;
  const deps = s.deployments.filter((d) => !only || only.has(d.targetId));
  const anchor = s.options.anchor;
  const out = createWriteStream(file);
  let buf = '';
  let samples = 0;
  const flush = async (force = false) => {
    if (buf.length < 1 << 20 && !force) return;
    const chunk = buf;
    buf = '';
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  const sec = (ms: number) => (ms / 1000).toFixed(3);
  if (o.series !== false) {
    for (const metric of SERIES_METRICS) {
      // OpenMetrics wants each family's samples together; promtool then cuts them into blocks.
      buf += `# TYPE mlops_${metric} gauge\n`;
      for (const d of deps) {
        const labels = labelsOf(s, d);
        const end = Date.parse(d.until ?? anchor);
        const start = Math.max(Date.parse(d.since), o.seriesFrom ? Date.parse(o.seriesFrom) : -Infinity);
        for (let t = Math.ceil(start / HOUR) * HOUR; t <= end; t += HOUR) {
          buf += `mlops_${metric}${labels} ${seriesValue(d, metric, t, anchor)} ${sec(t)}\n`;
          samples++;
        }
        await flush();
      }
    }
  }
  const gauges: [string, (d: Deployment) => number][] = [
    ['accuracy', (d) => healthOf(d, anchor).accuracy],
    ['drift', (d) => healthOf(d, anchor).drift],
    ['latency_p95_ms', (d) => healthOf(d, anchor).latencyP95Ms],
    ['error_rate', (d) => healthOf(d, anchor).errorRate],
    ['evaluated_at_seconds', (d) => Date.parse(healthOf(d, anchor).evaluatedAt) / 1000],
    ['traffic_percent', (d) => (d.until === null ? d.trafficPercent : 0)],
  ];
  for (const [name, value] of gauges) {
    buf += `# TYPE mlops_health_${name} gauge\n`;
    for (const d of deps) {
      const at = Date.parse(healthOf(d, anchor).evaluatedAt);
      buf += `mlops_health_${name}${labelsOf(s, d, { serving: String(d.until === null) })} ${value(d)} ${sec(at)}\n`;
      samples++;
    }
    await flush();
  }
  buf += '# EOF\n';
  await flush(true);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return samples;
}

/** Writes the slice as OpenMetrics and turns it into TSDB blocks in `outDir` with promtool. */
export async function backfill(o: BackfillOptions): Promise<{ samples: number; writeMs: number; promtoolMs: number }> {
  mkdirSync(o.outDir, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), 'mlops-openmetrics-'));
  try {
    const file = path.join(tmp, 'slice.om');
    let t = Date.now();
    const samples = await writeOpenMetrics(file, o);
    const writeMs = Date.now() - t;
    t = Date.now();
    const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=1458h', '-q', file, o.outDir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) throw new Error(`promtool create-blocks-from openmetrics failed (exit ${r.status}): ${r.error?.message ?? ''}${r.stderr.slice(-2000)}`);
    return { samples, writeMs, promtoolMs: Date.now() - t };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { targets: { type: 'string', default: '300' }, out: { type: 'string' }, 'no-series': { type: 'boolean', default: false } } });
  if (!values.out) {
    console.error('usage: tsx prometheus/backfill.ts --targets N --out DIR [--no-series]');
    process.exit(2);
  }
  const r = await backfill({ scenario: getScenario({ targets: Number(values.targets) }), outDir: values.out, series: !values['no-series'] });
  console.log(`${r.samples} samples: OpenMetrics written in ${r.writeMs} ms, blocks by promtool in ${r.promtoolMs} ms, into ${values.out}`);
}
