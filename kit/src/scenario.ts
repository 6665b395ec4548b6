/**
 * The plant scenario: one deterministic, seeded generator that every built-in platform reads,
 * so that ids agree across training, catalog, inference, monitoring and lineage.
 *
 * Shape (per project): a shared base model family fine-tuned per machine (reuse through
 * derived-from), a fleet model whose single versions serve several machines at once, and per
 * machine: raw → cleaned → features dataset versions, 3–6 retraining runs over the past year,
 * one model version per run, and a deployment history with hot swaps, canaries and rollbacks.
 */
import { createHash } from 'node:crypto';
import { groupBy } from './loaders.ts';

export interface ScenarioOptions {
  /** Number of release targets (machines) across all projects. Default 300. */
  targets?: number;
  /** PRNG seed; the same seed and size always give the same scenario. Default 42. */
  seed?: number;
  /** The scenario's "now" (ISO). Everything happens before it. Default 2026-11-01T00:00:00Z. */
  anchor?: string;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  plant: string;
  family: string;
  machineKind: string;
  owners: string[];
}

export interface Target {
  id: string;
  projectId: string;
  plant: string;
  line: string;
  machine: string;
  environment: 'production';
  createdAt: string;
}

export type DatasetKind = 'RAW' | 'CLEANED' | 'FEATURES';

export interface Dataset {
  id: string;
  name: string;
  kind: DatasetKind;
  projectId: string;
  owner: string;
  description: string;
}

export interface SchemaField {
  name: string;
  type: string;
}

export interface DatasetVersion {
  id: string;
  datasetId: string;
  version: number;
  uri: string;
  digest: string;
  schema: SchemaField[];
  rowCount: number;
  owner: string;
  createdAt: string;
  derivedFrom: string[];
  producer: string;
}

export interface Run {
  id: string;
  /** The project whose experiment the run belongs to. */
  projectId: string;
  experiment: string;
  modelName: string;
  status: 'FINISHED' | 'FAILED';
  user: string;
  startTime: string;
  endTime: string;
  codeVersion: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  inputs: string[];
}

export interface ModelVersion {
  id: string;
  name: string;
  version: number;
  runId: string;
  projectId: string;
  /** The machine this version was trained for; null for base and fleet models. */
  targetId: string | null;
  createdAt: string;
  aliases: string[];
  tags: Record<string, string>;
  metrics: Record<string, number>;
  derivedFrom: string | null;
  description: string;
}

export type DeploymentState = 'ACTIVE' | 'CANARY' | 'RETIRED' | 'ROLLED_BACK';
export type DeploymentStrategy = 'HOT_SWAP' | 'CANARY' | 'PROMOTION' | 'ROLLBACK';

export interface Deployment {
  id: string;
  targetId: string;
  modelVersionId: string;
  trafficPercent: number;
  state: DeploymentState;
  strategy: DeploymentStrategy;
  since: string;
  until: string | null;
  endpoint: string;
}

export interface Health {
  deploymentId: string;
  accuracy: number;
  drift: number;
  latencyP95Ms: number;
  errorRate: number;
  evaluatedAt: string;
}

export interface Alert {
  id: string;
  deploymentId: string;
  targetId: string;
  severity: 'CRITICAL' | 'WARNING';
  metric: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
}

export interface Scenario {
  options: Required<ScenarioOptions>;
  projects: Project[];
  targets: Target[];
  datasets: Dataset[];
  datasetVersions: DatasetVersion[];
  runs: Run[];
  modelVersions: ModelVersion[];
  deployments: Deployment[];
  alerts: Alert[];
  index: {
    project: Map<string, Project>;
    target: Map<string, Target>;
    dataset: Map<string, Dataset>;
    datasetVersion: Map<string, DatasetVersion>;
    run: Map<string, Run>;
    modelVersion: Map<string, ModelVersion>;
    deployment: Map<string, Deployment>;
    targetsByProject: Map<string, Target[]>;
    deploymentsByTarget: Map<string, Deployment[]>;
    deploymentsByModelVersion: Map<string, Deployment[]>;
    versionsByDataset: Map<string, DatasetVersion[]>;
    alertsByTarget: Map<string, Alert[]>;
  };
}

const DAY = 86_400_000;

/** mulberry32: small, fast and good enough for a demo scenario; deterministic per seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic number in [0, 1) from a string, for values computed on demand. Memoized:
 * the simulated monitoring platform asks the same keys for every health answer, and the SHA-1
 * was a quarter of the monitoring subgraph's CPU under the flagship load. Bounded: the map is
 * dropped when it reaches its size, so memory stays flat however many keys are asked.
 */
const UNIT_HASH_MAX = 200_000;
let unitHashes = new Map<string, number>();
export function unitHash(key: string): number {
  let v = unitHashes.get(key);
  if (v === undefined) {
    v = createHash('sha1').update(key).digest().readUInt32BE(0) / 4294967296;
    if (unitHashes.size >= UNIT_HASH_MAX) unitHashes = new Map();
    unitHashes.set(key, v);
  }
  return v;
}

const PROJECT_SPECS = [
  {
    id: 'pump-anomaly',
    name: 'Pump anomaly detection',
    plant: 'plant-a',
    machineKind: 'pump',
    lineWord: 'line',
    share: 0.4,
    owners: ['ana.lopez@plant-a.example', 'reliability-team@plant-a.example'],
    description: 'Detects cavitation and bearing anomalies on centrifugal pumps.',
    params: { algorithm: 'isolation_forest' },
  },
  {
    id: 'motor-vibration',
    name: 'Motor vibration monitoring',
    plant: 'plant-b',
    machineKind: 'motor',
    lineWord: 'line',
    share: 0.35,
    owners: ['kenji.sato@plant-b.example', 'drives-team@plant-b.example'],
    description: 'Classifies vibration spectra of induction motors into health states.',
    params: { algorithm: 'gradient_boosting' },
  },
  {
    id: 'energy-forecast',
    name: 'Energy demand forecasting',
    plant: 'plant-c',
    machineKind: 'feeder',
    lineWord: 'grid',
    share: 0.25,
    owners: ['maria.keller@plant-c.example', 'energy-desk@plant-c.example'],
    description: 'Forecasts 24h electricity demand per feeder for load scheduling.',
    params: { algorithm: 'lightgbm_quantile' },
  },
] as const;

const SCHEMAS: Record<DatasetKind, SchemaField[]> = {
  RAW: [
    { name: 'ts', type: 'timestamp' },
    { name: 'sensor_id', type: 'string' },
    { name: 'value', type: 'double' },
    { name: 'unit', type: 'string' },
  ],
  CLEANED: [
    { name: 'ts', type: 'timestamp' },
    { name: 'sensor_id', type: 'string' },
    { name: 'value', type: 'double' },
    { name: 'quality_flag', type: 'int' },
  ],
  FEATURES: [
    { name: 'window_start', type: 'timestamp' },
    { name: 'rms', type: 'double' },
    { name: 'kurtosis', type: 'double' },
    { name: 'spectral_peak_hz', type: 'double' },
    { name: 'label', type: 'int' },
  ],
};

const USERS = ['ana.lopez', 'kenji.sato', 'maria.keller', 'li.wei', 'omar.haddad', 'sofia.rossi'];

const cache = new Map<string, Scenario>();

/** Returns the (memoised) scenario for these options. Generation is deterministic. */
export function getScenario(options: ScenarioOptions = {}): Scenario {
  const opts: Required<ScenarioOptions> = {
    targets: options.targets ?? 300,
    seed: options.seed ?? 42,
    anchor: options.anchor ?? '2026-11-01T00:00:00.000Z',
  };
  if (!Number.isInteger(opts.targets) || opts.targets < 3) {
    throw new RangeError(`scenario targets must be an integer >= 3, got ${opts.targets}`);
  }
  const key = `${opts.targets}:${opts.seed}:${opts.anchor}`;
  let s = cache.get(key);
  if (!s) {
    s = generate(opts);
    cache.set(key, s);
  }
  return s;
}

function generate(opts: Required<ScenarioOptions>): Scenario {
  const rnd = prng(opts.seed);
  const anchor = Date.parse(opts.anchor);
  if (Number.isNaN(anchor)) throw new RangeError(`scenario anchor is not a date: ${opts.anchor}`);
  const iso = (ms: number) => new Date(ms).toISOString();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const hex = (n: number) => {
    let out = '';
    while (out.length < n) out += Math.floor(rnd() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, n);
  };
  const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

  const projects: Project[] = [];
  const targets: Target[] = [];
  const datasets: Dataset[] = [];
  const datasetVersions: DatasetVersion[] = [];
  const runs: Run[] = [];
  const modelVersions: ModelVersion[] = [];
  const deployments: Deployment[] = [];

  const addDatasetVersion = (
    ds: Dataset,
    version: number,
    createdAt: number,
    derivedFrom: string[],
    rows: number,
    producer: string,
  ): DatasetVersion => {
    const digest = createHash('sha256').update(`${ds.id}:${version}:${createdAt}`).digest('hex');
    const dv: DatasetVersion = {
      id: `${ds.id}@sha256:${digest.slice(0, 16)}`,
      datasetId: ds.id,
      version,
      uri: `s3://${ds.projectId}-lake/${ds.kind.toLowerCase()}/${ds.name}/v${version}/`,
      digest: `sha256:${digest}`,
      schema: SCHEMAS[ds.kind],
      rowCount: rows,
      owner: ds.owner,
      createdAt: iso(createdAt),
      derivedFrom,
      producer,
    };
    datasetVersions.push(dv);
    return dv;
  };

  const metricsFor = (quality: number) => {
    const f1 = Math.min(0.99, Math.max(0.5, quality + (rnd() - 0.5) * 0.04));
    const precision = Math.min(0.995, f1 + (rnd() - 0.3) * 0.05);
    const recall = Math.min(0.995, Math.max(0.4, (f1 * precision) / (2 * precision - f1 || 1)));
    return {
      f1: round(f1),
      precision: round(precision),
      recall: round(recall),
      auc: round(Math.min(0.999, f1 + 0.04 + rnd() * 0.03)),
      loss: round(Math.max(0.01, 1 - f1 + rnd() * 0.05)),
    };
  };

  const addRun = (
    projectId: string,
    experiment: string,
    modelName: string,
    start: number,
    inputs: string[],
    quality: number,
    algorithm: string,
  ): Run => {
    const run: Run = {
      id: hex(32),
      projectId,
      experiment,
      modelName,
      status: 'FINISHED',
      user: pick(USERS),
      startTime: iso(start),
      endTime: iso(start + (20 + Math.floor(rnd() * 100)) * 60_000),
      codeVersion: hex(7),
      params: {
        algorithm,
        learning_rate: String(pick([0.01, 0.03, 0.05, 0.1])),
        n_estimators: String(pick([100, 200, 400, 800])),
        max_depth: String(pick([4, 6, 8, 10])),
        window_size: String(pick([64, 128, 256])),
      },
      metrics: metricsFor(quality),
      inputs,
    };
    runs.push(run);
    return run;
  };

  let remaining = opts.targets;
  PROJECT_SPECS.forEach((spec, pIdx) => {
    const count =
      pIdx === PROJECT_SPECS.length - 1 ? remaining : Math.max(1, Math.round(opts.targets * spec.share));
    remaining -= count;
    const project: Project = {
      id: spec.id,
      name: spec.name,
      description: spec.description,
      plant: spec.plant,
      family: spec.id,
      machineKind: spec.machineKind,
      owners: [...spec.owners],
    };
    projects.push(project);
    const owner = spec.owners[1]!;

    // Fleet-wide data feeds the shared base model and the fleet model.
    const fleetRaw: Dataset = {
      id: `${spec.id}-fleet-raw`,
      name: `${spec.id}-fleet-raw`,
      kind: 'RAW',
      projectId: spec.id,
      owner,
      description: `Pooled sensor logs of every ${spec.machineKind} in ${spec.plant}.`,
    };
    const fleetFeatures: Dataset = {
      id: `${spec.id}-fleet-features`,
      name: `${spec.id}-fleet-features`,
      kind: 'FEATURES',
      projectId: spec.id,
      owner,
      description: `Windowed features over the pooled ${spec.machineKind} fleet logs.`,
    };
    datasets.push(fleetRaw, fleetFeatures);

    const baseVersions: ModelVersion[] = [];
    [380, 200, 90].forEach((daysAgo, i) => {
      const t = anchor - daysAgo * DAY;
      const raw = addDatasetVersion(fleetRaw, i + 1, t - 3 * DAY, [], 5_000_000 + Math.floor(rnd() * 1e6), 'ingest/kafka-connect');
      const feat = addDatasetVersion(fleetFeatures, i + 1, t - 2 * DAY, [raw.id], 400_000 + Math.floor(rnd() * 1e5), 'spark/feature-pipeline');
      const run = addRun(spec.id, `${spec.id}/base`, `${spec.id}-base`, t, [feat.id], 0.8 + i * 0.02, spec.params.algorithm);
      const mv: ModelVersion = {
        id: `${spec.id}-base/${i + 1}`,
        name: `${spec.id}-base`,
        version: i + 1,
        runId: run.id,
        projectId: spec.id,
        targetId: null,
        createdAt: run.endTime,
        // Not 'latest': MLflow reserves that alias (models:/name@latest is always the newest version).
        aliases: i === 2 ? ['stable'] : [],
        tags: { role: 'base', project: spec.id },
        metrics: run.metrics,
        derivedFrom: null,
        description: `Shared ${spec.machineKind} base model, fine-tuned per machine.`,
      };
      modelVersions.push(mv);
      baseVersions.push(mv);
    });
    const baseAt = (t: number) => [...baseVersions].reverse().find((b) => Date.parse(b.createdAt) < t) ?? null;

    // The fleet model: single versions that serve several machines at once.
    const fleetVersions: ModelVersion[] = [];
    const fleetFeatureVersions = datasetVersions.filter((d) => d.datasetId === fleetFeatures.id);
    [150, 40].forEach((daysAgo, i) => {
      const t = anchor - daysAgo * DAY;
      const feat = fleetFeatureVersions[i + 1]!;
      const run = addRun(spec.id, `${spec.id}/fleet`, `${spec.id}-fleet`, t, [feat.id], 0.86 + i * 0.02, spec.params.algorithm);
      const mv: ModelVersion = {
        id: `${spec.id}-fleet/${i + 1}`,
        name: `${spec.id}-fleet`,
        version: i + 1,
        runId: run.id,
        projectId: spec.id,
        targetId: null,
        createdAt: run.endTime,
        aliases: i === 1 ? ['champion'] : [],
        tags: { role: 'fleet', project: spec.id },
        metrics: run.metrics,
        derivedFrom: baseAt(t)?.id ?? null,
        description: `One ${spec.machineKind} model served by several similar machines.`,
      };
      modelVersions.push(mv);
      fleetVersions.push(mv);
    });

    const lines = Math.max(1, Math.min(12, Math.ceil(count / 25)));
    for (let m = 1; m <= count; m++) {
      const machine = `${spec.machineKind}-${String(m).padStart(3, '0')}`;
      const line = `${spec.lineWord}-${((m - 1) % lines) + 1}`;
      const target: Target = {
        id: `${spec.plant}/${line}/${machine}`,
        projectId: spec.id,
        plant: spec.plant,
        line,
        machine,
        environment: 'production',
        createdAt: iso(anchor - (400 + Math.floor(rnd() * 200)) * DAY),
      };
      targets.push(target);

      const rawDs: Dataset = {
        id: `sensor-logs-${machine}`,
        name: `sensor-logs-${machine}`,
        kind: 'RAW',
        projectId: spec.id,
        owner,
        description: `Raw sensor logs of ${target.id}.`,
      };
      const cleanDs: Dataset = { ...rawDs, id: `cleaned-${machine}`, name: `cleaned-${machine}`, kind: 'CLEANED', description: `Deduplicated, range-checked logs of ${target.id}.` };
      const featDs: Dataset = { ...rawDs, id: `features-${machine}`, name: `features-${machine}`, kind: 'FEATURES', description: `Training features of ${target.id}.` };
      datasets.push(rawDs, cleanDs, featDs);

      const nRuns = 3 + Math.floor(rnd() * 4);
      const own: ModelVersion[] = [];
      let lastFeat: DatasetVersion | null = null;
      let dsVersion = 0;
      for (let i = 0; i < nRuns; i++) {
        // Spread retraining over the past year; the newest run is recent so it can be a candidate.
        const t = anchor - Math.floor(((nRuns - i) / nRuns) * 340 * DAY) + Math.floor(rnd() * 10 * DAY) - 12 * DAY;
        // A quarter of retrains reuse the previous snapshot (a params-only change): shared data versions.
        if (!lastFeat || rnd() > 0.25) {
          dsVersion++;
          const raw = addDatasetVersion(rawDs, dsVersion, t - 3 * DAY, [], 100_000 + Math.floor(rnd() * 900_000), 'ingest/kafka-connect');
          const clean = addDatasetVersion(cleanDs, dsVersion, t - 2 * DAY, [raw.id], Math.floor(raw.rowCount * 0.97), 'spark/cleaning-job');
          lastFeat = addDatasetVersion(featDs, dsVersion, t - DAY, [clean.id], Math.floor(raw.rowCount / 64), 'spark/feature-pipeline');
        }
        const name = `${spec.id}-${machine}`;
        const run = addRun(spec.id, `${spec.id}/${machine}`, name, t, [lastFeat.id], 0.78 + i * 0.025, spec.params.algorithm);
        const mv: ModelVersion = {
          id: `${name}/${i + 1}`,
          name,
          version: i + 1,
          runId: run.id,
          projectId: spec.id,
          targetId: target.id,
          createdAt: run.endTime,
          aliases: [],
          tags: { project: spec.id, machine, line },
          metrics: run.metrics,
          derivedFrom: baseAt(t)?.id ?? null,
          description: `${spec.name} model for ${target.id}.`,
        };
        modelVersions.push(mv);
        own.push(mv);
      }

      // Deployment history, oldest first. `open` is the deployment serving 100% right now.
      const endpoint = `https://serving.${spec.plant}.example/v1/models/${machine}:predict`;
      let seq = 0;
      let open: Deployment | null = null;
      const mine: Deployment[] = [];
      const deploy = (mv: ModelVersion, at: number, strategy: DeploymentStrategy, traffic = 100, state: DeploymentState = 'ACTIVE') => {
        const d: Deployment = {
          id: `${target.id}#${++seq}`,
          targetId: target.id,
          modelVersionId: mv.id,
          trafficPercent: traffic,
          state,
          strategy,
          since: iso(at),
          until: null,
          endpoint,
        };
        deployments.push(d);
        mine.push(d);
        return d;
      };
      const close = (d: Deployment, at: number, state: DeploymentState = 'RETIRED') => {
        d.until = iso(at);
        d.state = state;
      };
      const isFleetTarget = m % 8 === 5;
      const lastIdx = own.length - 1;
      // Leave the newest version undeployed on about a third of machines: a waiting candidate.
      const leaveCandidate = rnd() < 0.35;
      let previous: ModelVersion | null = null;
      for (let i = 0; i <= lastIdx; i++) {
        const mv = own[i]!;
        const at = Date.parse(mv.createdAt) + 2 * DAY;
        if (i === lastIdx && leaveCandidate && i > 0) break;
        if (i > 0 && i < lastIdx && rnd() < 0.2) continue; // skipped release
        if (!open) {
          open = deploy(mv, at, 'HOT_SWAP');
        } else if (i === lastIdx && !isFleetTarget && rnd() < 0.3) {
          // A canary still running now: champion at 90%, candidate at 10%.
          const started = Math.min(at, anchor - 2 * DAY);
          close(open, started);
          const champion = deploy(own.find((x) => x.id === open!.modelVersionId)!, started, 'CANARY', 90);
          deploy(mv, started, 'CANARY', 10, 'CANARY');
          open = champion;
          previous = mv;
          continue;
        } else if (rnd() < 0.3) {
          // A finished canary: 10% for five days, then promoted.
          const canary = deploy(mv, at, 'CANARY', 10, 'CANARY');
          close(open, at);
          const champion = deploy(own.find((x) => x.id === open!.modelVersionId)!, at, 'CANARY', 90);
          close(canary, at + 5 * DAY);
          close(champion, at + 5 * DAY);
          open = deploy(mv, at + 5 * DAY, 'PROMOTION');
        } else {
          close(open, at);
          const before: Deployment = open;
          open = deploy(mv, at, 'HOT_SWAP');
          if (rnd() < 0.12 && at + 4 * DAY < anchor) {
            // Rolled back after a bad few days: the previous version serves again.
            close(open, at + 3 * DAY, 'ROLLED_BACK');
            open = deploy(own.find((x) => x.id === before.modelVersionId)!, at + 3 * DAY, 'ROLLBACK');
          }
        }
        previous = mv;
      }
      void previous;
      if (isFleetTarget && open) {
        const fleet = fleetVersions[1]!;
        const at = Math.max(Date.parse(fleet.createdAt) + 3 * DAY, Date.parse(open.since) + DAY);
        if (at < anchor) {
          close(open, at);
          open = deploy(fleet, at, 'HOT_SWAP');
        }
      }
      // The version serving 100% (or 90% during a canary) is the champion.
      const serving = mine.filter((d) => d.until === null);
      for (const d of serving) {
        const mv = own.find((x) => x.id === d.modelVersionId);
        if (mv && !mv.aliases.includes(d.state === 'CANARY' ? 'challenger' : 'champion')) {
          mv.aliases.push(d.state === 'CANARY' ? 'challenger' : 'champion');
        }
      }
      const newest = own[lastIdx]!;
      if (newest.aliases.length === 0) newest.aliases.push('candidate');
    }
  });

  const alerts: Alert[] = [];
  for (const d of deployments) {
    if (d.until !== null) continue;
    const h = healthOf(d, opts.anchor);
    if (h.drift > 0.33) {
      alerts.push({
        id: `alert-${alerts.length + 1}`,
        deploymentId: d.id,
        targetId: d.targetId,
        severity: 'CRITICAL',
        metric: 'drift_score',
        message: `Feature drift ${h.drift.toFixed(2)} above 0.33 on ${d.targetId}`,
        openedAt: iso(anchor - Math.floor(unitHash(d.id + 'a') * 5 * DAY)),
        resolvedAt: null,
      });
    } else if (h.errorRate > 0.018) {
      alerts.push({
        id: `alert-${alerts.length + 1}`,
        deploymentId: d.id,
        targetId: d.targetId,
        severity: 'WARNING',
        metric: 'error_rate',
        message: `Error rate ${(h.errorRate * 100).toFixed(1)}% above 1.8% on ${d.targetId}`,
        openedAt: iso(anchor - Math.floor(unitHash(d.id + 'b') * 5 * DAY)),
        resolvedAt: null,
      });
    }
  }

  const byKey = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));

  return {
    options: opts,
    projects,
    targets,
    datasets,
    datasetVersions,
    runs,
    modelVersions,
    deployments,
    alerts,
    index: {
      project: byKey(projects),
      target: byKey(targets),
      dataset: byKey(datasets),
      datasetVersion: byKey(datasetVersions),
      run: byKey(runs),
      modelVersion: byKey(modelVersions),
      deployment: byKey(deployments),
      targetsByProject: groupBy(targets, (t) => t.projectId),
      deploymentsByTarget: groupBy(deployments, (d) => d.targetId),
      deploymentsByModelVersion: groupBy(deployments, (d) => d.modelVersionId),
      versionsByDataset: groupBy(datasetVersions, (d) => d.datasetId),
      alertsByTarget: groupBy(alerts, (a) => a.targetId),
    },
  };
}

/**
 * Health of a deployment, computed deterministically from its id so any platform can answer
 * for any deployment without storing series. Retired deployments report their last state.
 */
export function healthOf(d: Deployment, anchor: string): Health {
  const u = unitHash(d.id);
  const v = unitHash(d.id + ':v');
  return {
    deploymentId: d.id,
    accuracy: Math.round((0.86 + u * 0.12) * 10_000) / 10_000,
    drift: Math.round(v ** 3 * 0.45 * 10_000) / 10_000,
    latencyP95Ms: Math.round(18 + unitHash(d.id + ':l') * 60),
    errorRate: Math.round(unitHash(d.id + ':e') ** 4 * 0.025 * 100_000) / 100_000,
    evaluatedAt: d.until ?? anchor,
  };
}

/** One point of a metric series for a deployment at a time, deterministic. */
export function seriesValue(d: Deployment, metric: string, atMs: number, anchor: string): number {
  const h = healthOf(d, anchor);
  const wobble = (unitHash(`${d.id}:${metric}:${Math.floor(atMs / 3_600_000)}`) - 0.5) * 2;
  switch (metric) {
    case 'accuracy':
      return Math.round((h.accuracy + wobble * 0.01) * 10_000) / 10_000;
    case 'drift_score': {
      // Drift grows over the deployment's life towards its current value.
      const since = Date.parse(d.since);
      const end = d.until ? Date.parse(d.until) : Date.parse(anchor);
      const frac = end > since ? Math.min(1, Math.max(0, (atMs - since) / (end - since))) : 1;
      return Math.round(Math.max(0, h.drift * frac + wobble * 0.01) * 10_000) / 10_000;
    }
    case 'latency_p95_ms':
      return Math.round(h.latencyP95Ms * (1 + wobble * 0.1));
    case 'error_rate':
      return Math.round(Math.max(0, h.errorRate * (1 + wobble * 0.3)) * 100_000) / 100_000;
    default:
      throw new RangeError(`unknown metric ${metric}`);
  }
}

export const SERIES_METRICS = ['accuracy', 'drift_score', 'latency_p95_ms', 'error_rate'] as const;
