/**
 * Seeds a slice of the plant scenario into an OpenLineage intake through the real
 * openlineage-python client: one COMPLETE RunEvent per dataset version, in creation order, whose
 * job is the version's producer (`spark/cleaning-job` → namespace `spark`, name `cleaning-job`),
 * inputs the upstream versions (version facet) and output the version itself (schema, version,
 * ownership, documentation, outputStatistics and our `mlops_catalog` facets).
 *
 *   npx tsx openlineage/seed.ts --url <lineage subgraph base URL> --targets 60 [--token <JWT>]
 *
 * The token (or OPENLINEAGE_API_KEY) needs the platform-writer role on "*". Run ids are derived
 * from the version ids, so seeding twice sends the same events and the intake changes nothing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getScenario } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';

const DIR = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/** A UUID (version 5 layout) from a name: stable across seedings. */
export function uuidFor(name: string): string {
  const h = createHash('sha256').update(`openlineage-seed:${name}`).digest('hex').split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The namespace of a dataset: its lake bucket, as OpenLineage names S3 datasets. */
const namespaceOf = (s: Scenario, datasetId: string) => `s3://${s.index.dataset.get(datasetId)!.projectId}-lake`;
const versionOf = (id: string, datasetId: string) => id.slice(datasetId.length + 1);

/** The runs the Python seeder sends, one per dataset version. */
export function runsOf(s: Scenario) {
  const ordered = [...s.datasetVersions].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return ordered.map((v) => {
    const ds = s.index.dataset.get(v.datasetId)!;
    const slash = v.producer.indexOf('/');
    return {
      runId: uuidFor(v.id),
      eventType: 'COMPLETE',
      eventTime: v.createdAt,
      job: { namespace: v.producer.slice(0, slash), name: v.producer.slice(slash + 1) },
      inputs: v.derivedFrom.map((up) => {
        const u = s.index.datasetVersion.get(up)!;
        return { namespace: namespaceOf(s, u.datasetId), name: u.datasetId, version: versionOf(u.id, u.datasetId) };
      }),
      outputs: [
        {
          namespace: namespaceOf(s, v.datasetId),
          name: v.datasetId,
          version: versionOf(v.id, v.datasetId),
          schema: v.schema,
          owner: v.owner,
          description: ds.description,
          rowCount: v.rowCount,
          catalog: { kind: ds.kind, projectId: ds.projectId, versionNumber: v.version, uri: v.uri, digest: v.digest },
        },
      ],
    };
  });
}

export interface SeedOptions {
  /** The lineage subgraph's base URL (the client appends /api/v1/lineage). */
  url: string;
  targets: number;
  token?: string;
}

/** Installs the client venv if needed, then sends every event; returns counts and timings. */
export async function seedOpenLineage(o: SeedOptions): Promise<{ scenario: Scenario; sent: number; installSeconds: number; sendSeconds: number }> {
  const t0 = Date.now();
  const venv = (await run('bash', [path.join(DIR, 'install.sh')], { maxBuffer: 1 << 20 })).stdout.trim().split('\n').at(-1)!;
  const installSeconds = (Date.now() - t0) / 1000;
  const scenario = getScenario({ targets: o.targets });
  const tmp = mkdtempSync(path.join(tmpdir(), 'ol-seed-'));
  try {
    const file = path.join(tmp, 'runs.json');
    writeFileSync(file, JSON.stringify(runsOf(scenario)));
    const env = { ...process.env, ...(o.token ? { OPENLINEAGE_API_KEY: o.token } : {}) };
    const { stdout } = await run(path.join(venv, 'bin', 'python'), [path.join(DIR, 'seed.py'), '--url', o.url, '--events', file], { env, maxBuffer: 1 << 20 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as { sent: number; seconds: number };
    return { scenario, sent: out.sent, installSeconds, sendSeconds: out.seconds };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const url = arg('url');
  if (!url) {
    process.stderr.write('usage: npx tsx openlineage/seed.ts --url <lineage subgraph base URL> --targets 60 [--token <JWT>]\n');
    process.exit(2);
  }
  const r = await seedOpenLineage({ url: url.replace(/\/api\/v1\/lineage\/?$/, ''), targets: Number(arg('targets') ?? 60), token: arg('token') ?? process.env.OPENLINEAGE_API_KEY });
  process.stdout.write(`sent ${r.sent} RunEvents (${r.scenario.datasetVersions.length} dataset versions) in ${r.sendSeconds} s; client install ${r.installSeconds.toFixed(1)} s\n`);
}
