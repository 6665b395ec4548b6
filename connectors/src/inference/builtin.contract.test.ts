import { getScenario } from '@mlops/kit';
import { BuiltinInferenceConnector } from './builtin.ts';
import { describeInferenceConnectorContract } from './contract.ts';

// The same slice mlserver.int.test.ts serves from a real MLServer.
describeInferenceConnectorContract('built-in', async () => {
  const scenario = getScenario({ targets: 60 });
  const connector = new BuiltinInferenceConnector(scenario);
  const observe = async (targetId: string) =>
    (await connector.deploymentsByTargets([targetId]))[0]!.filter((d) => d.until === null).map((d) => d.modelVersionId).sort();
  return { connector, scenario, observe, cleanup: async () => {} };
});
