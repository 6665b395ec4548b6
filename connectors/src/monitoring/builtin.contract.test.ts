import { getScenario } from '@mlops/kit';
import { BuiltinMonitoringConnector } from './builtin.ts';
import { describeMonitoringConnectorContract } from './contract.ts';

// The same slice prometheus.int.test.ts backfills into a real Prometheus.
describeMonitoringConnectorContract('built-in', async () => {
  const scenario = getScenario({ targets: 9 });
  const connector = new BuiltinMonitoringConnector(scenario);
  const alerts = (await connector.listAlerts({}, { first: 10_000, after: null })).items;
  return { connector, scenario, alerts, cleanup: async () => {} };
});
