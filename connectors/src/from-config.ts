/**
 * Builds each platform's connector from the configuration: the built-in simulated plant in
 * this process, or, when `platforms.<name>.url` is set, the hosted one over RPC (production
 * mode, where the supervisor hosts the built-in platforms once for every process), or a real
 * platform by `platforms.<name>.connector` (`mlflow` for training; `openlineage` for the catalog,
 * reading what the lineage subgraph's OpenLineage intake stored in the lineage graph's Neo4j;
 * `mlserver` for inference; `prometheus` for monitoring).
 */
import { getScenario } from '@mlops/kit';
import type { Config } from '@mlops/kit/config';
import { BuiltinCatalogConnector, OpenLineageCatalogConnector, type CatalogConnector } from './catalog/index.ts';
import { BuiltinInferenceConnector, MlserverInferenceConnector, type InferenceConnector } from './inference/index.ts';
import { AlertHistory, BuiltinMonitoringConnector, PrometheusMonitoringConnector, type MonitoringConnector } from './monitoring/index.ts';
import { remoteConnector } from './remote/index.ts';
import { BuiltinTrainingConnector, MlflowTrainingConnector, type TrainingConnector } from './training/index.ts';

export interface PlatformConnectors {
  training: TrainingConnector;
  catalog: CatalogConnector;
  inference: InferenceConnector;
  monitoring: MonitoringConnector;
}
export type PlatformName = keyof PlatformConnectors;

const BUILTIN: { [K in PlatformName]: new (s: ReturnType<typeof getScenario>) => PlatformConnectors[K] } = {
  training: BuiltinTrainingConnector,
  catalog: BuiltinCatalogConnector,
  inference: BuiltinInferenceConnector,
  monitoring: BuiltinMonitoringConnector,
};

/** The connector of one platform as the configuration says. */
export function connectorFor<K extends PlatformName>(config: Config, name: K): PlatformConnectors[K] {
  const p = config.platforms[name];
  if (p.connector === 'mlflow') {
    if (name !== 'training' || !p.url) throw new Error(`platforms.${name}.connector: mlflow is a training connector and needs platforms.${name}.url`);
    const c: TrainingConnector = new MlflowTrainingConnector({ url: p.url, token: p.token, username: p.username, password: p.password, timeoutMs: p.timeoutMs });
    return c as PlatformConnectors[K];
  }
  if (p.connector === 'openlineage') {
    const n = config.neo4j;
    if (name !== 'catalog' || !n.uri) throw new Error(`platforms.${name}.connector: openlineage is a catalog connector and needs neo4j.uri`);
    const c: CatalogConnector = new OpenLineageCatalogConnector({ uri: n.uri, user: n.user, password: n.password, database: n.database, queryTimeoutMs: n.queryTimeoutMs });
    return c as PlatformConnectors[K];
  }
  if (p.connector === 'prometheus') {
    if (name !== 'monitoring' || !p.url) throw new Error(`platforms.${name}.connector: prometheus is a monitoring connector and needs platforms.${name}.url`);
    const m = config.platforms.monitoring;
    const alertHistory = m.alertHistoryDir ? new AlertHistory({ dir: m.alertHistoryDir, maxRecords: m.alertHistoryMax }) : undefined;
    const c: MonitoringConnector = new PrometheusMonitoringConnector({ url: p.url, timeoutMs: p.timeoutMs, ...(alertHistory ? { alertHistory } : {}) });
    return c as PlatformConnectors[K];
  }
  if (p.connector === 'mlserver') {
    if (name !== 'inference' || !p.url || !p.modelRepository || !p.ledgerDir) {
      throw new Error(`platforms.${name}.connector: mlserver is an inference connector and needs platforms.${name}.url, modelRepository and ledgerDir`);
    }
    const s = getScenario({ targets: config.scenario.targets, seed: config.scenario.seed });
    const c: InferenceConnector = new MlserverInferenceConnector({
      url: p.url,
      modelRepository: p.modelRepository,
      ledgerDir: p.ledgerDir,
      models: p.models,
      implementation: p.implementation,
      timeoutMs: p.timeoutMs,
      // The release targets and registered versions it may serve: the configured plant.
      targets: s.targets.map((t) => ({ id: t.id, name: t.machine, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment, updatedAt: t.createdAt })),
      modelVersions: new Map(s.modelVersions.map((m) => [m.id, m.projectId])),
    });
    return c as PlatformConnectors[K];
  }
  if (p.url) {
    if (!config.internal.key) throw new Error(`platforms.${name}.url is set but internal.key is not: the hosted platforms require it`);
    return remoteConnector<PlatformConnectors[K]>(name, p.url, config.internal.key, p.timeoutMs);
  }
  return new BUILTIN[name](getScenario({ targets: config.scenario.targets, seed: config.scenario.seed }));
}

/** Every platform's connector. */
export function connectorsFor(config: Config): PlatformConnectors {
  return {
    training: connectorFor(config, 'training'),
    catalog: connectorFor(config, 'catalog'),
    inference: connectorFor(config, 'inference'),
    monitoring: connectorFor(config, 'monitoring'),
  };
}
