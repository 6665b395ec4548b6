/**
 * The built-in platforms (the simulated plant) as one service, for production mode: every
 * subgraph process and the lineage sync reach the same in-memory platforms over the internal
 * RPC (connectors/src/remote), so a rollout the lineage subgraph makes through the inference
 * platform is what the inference subgraph then serves. Started by `npm run serve`.
 */
import express from 'express';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { mountConnectorHost } from '@mlops/connectors/remote';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { createLogger, getScenario } from '@mlops/kit';
import { loadConfig, requireInternalKey } from '@mlops/kit/config';
import { listenApp, runUntilSignal } from '@mlops/kit/server';

const config = loadConfig('platforms');
const key = requireInternalKey(config, 'platforms');
const logger = createLogger('platforms', config.log.level);
const scenario = getScenario({ targets: config.scenario.targets, seed: config.scenario.seed });
const app = express();
app.disable('x-powered-by');
app.get('/health', (_req, res) => {
  res.json({ status: 'ok', service: 'platforms', targets: scenario.targets.length });
});
mountConnectorHost(
  app,
  {
    training: new BuiltinTrainingConnector(scenario),
    catalog: new BuiltinCatalogConnector(scenario),
    inference: new BuiltinInferenceConnector(scenario),
    monitoring: new BuiltinMonitoringConnector(scenario),
  },
  key,
  express,
);
const { host, port } = config.platforms.host;
runUntilSignal(await listenApp(app, process.env.HOST ?? host, Number(process.env.PORT ?? port), '/rpc', async () => {}), logger, 'built-in platforms');
