/**
 * Starts every subgraph and the gateway in this process on port 0, over built-in platforms
 * seeded with the scenario, with every connector instrumented so tests can count backend
 * calls. Returns `{ query, stop }` plus handles to stop one subgraph.
 */
import { createLogger, getScenario, instrument, type Instrumented } from '@mlops/kit';
import type { Listening } from '@mlops/kit/server';
import type { Scenario } from '@mlops/kit/scenario';
import { startGateway, type RunningGateway } from '@mlops/gateway';
import { training } from '@mlops/subgraph-training';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { catalog } from '@mlops/subgraph-catalog';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { inference } from '@mlops/subgraph-inference';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { monitoring } from '@mlops/subgraph-monitoring';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { lineage } from '@mlops/subgraph-lineage';
import { MemoryLineageStore } from '@mlops/subgraph-lineage/store';
import type { LineageStore } from '@mlops/subgraph-lineage/store';

export type SubgraphName = 'training' | 'catalog' | 'inference' | 'monitoring' | 'lineage';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Stack {
  scenario: Scenario;
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, Listening>;
  connectors: {
    training: Instrumented<BuiltinTrainingConnector>;
    catalog: Instrumented<BuiltinCatalogConnector>;
    inference: Instrumented<BuiltinInferenceConnector>;
    monitoring: Instrumented<BuiltinMonitoringConnector>;
    lineage: Instrumented<LineageStore>;
  };
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Calls per connector (and gateway requests per subgraph) since the last reset. */
  resetCounts(): void;
  stopSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  targets?: number;
  /** A lineage store to use instead of the in-memory one (e.g. a Neo4j store). */
  lineageStore?: LineageStore;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const scenario = getScenario({ targets: opts.targets ?? 300 });
  const logger = createLogger('test', 'silent');
  const host = '127.0.0.1';
  const connectors = {
    training: instrument(new BuiltinTrainingConnector(scenario)),
    catalog: instrument(new BuiltinCatalogConnector(scenario)),
    inference: instrument(new BuiltinInferenceConnector(scenario)),
    monitoring: instrument(new BuiltinMonitoringConnector(scenario)),
    lineage: instrument(opts.lineageStore ?? MemoryLineageStore.fromScenario(scenario)),
  };
  const subgraphs = {
    training: await training.start(connectors.training, { host, port: 0, logger }),
    catalog: await catalog.start(connectors.catalog, { host, port: 0, logger }),
    inference: await inference.start(connectors.inference, { host, port: 0, logger }),
    monitoring: await monitoring.start(connectors.monitoring, { host, port: 0, logger }),
    lineage: await lineage.start(connectors.lineage, { host, port: 0, logger }),
  };
  const gateway = await startGateway({
    host,
    port: 0,
    logger,
    urls: Object.fromEntries(Object.entries(subgraphs).map(([name, l]) => [name, l.url])),
  });
  const stopped = new Set<string>();
  return {
    scenario,
    gateway,
    subgraphs,
    connectors,
    async query(query, variables) {
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GraphQLResponse;
    },
    resetCounts() {
      for (const c of Object.values(connectors)) c.calls.reset();
      gateway.subgraphRequests.reset();
    },
    async stopSubgraph(name) {
      if (stopped.has(name)) return;
      stopped.add(name);
      await subgraphs[name].stop();
    },
    async stop() {
      await gateway.stop();
      for (const [name, l] of Object.entries(subgraphs)) if (!stopped.has(name)) await l.stop();
    },
  };
}
