import { getScenario } from '@mlops/kit';
import { BuiltinCatalogConnector } from './builtin.ts';
import { describeCatalogConnectorContract } from './contract.ts';

// The same slice test/integration/openlineage.int.test.ts sends through openlineage-python.
describeCatalogConnectorContract('built-in', async () => {
  const scenario = getScenario({ targets: 60 });
  return { connector: new BuiltinCatalogConnector(scenario), scenario, cleanup: async () => {} };
});
