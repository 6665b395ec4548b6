import { getScenario } from '@mlops/kit';
import { BuiltinTrainingConnector } from './builtin.ts';
import { describeTrainingConnectorContract } from './contract.ts';

// The same slice mlflow.int.test.ts seeds into a real MLflow.
describeTrainingConnectorContract('built-in', async () => {
  const scenario = getScenario({ targets: 60 });
  return { connector: new BuiltinTrainingConnector(scenario), scenario, runId: (id) => id, cleanup: async () => {} };
});
