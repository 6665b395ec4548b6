/**
 * The MLServer inference connector over a local MLServer (mlserver/local-server.mjs) for a
 * scenario slice, and what the real server answers on a target's endpoint: shared by the
 * release tests that roll out on MLServer.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scenario } from '@mlops/kit/scenario';
import { MlserverInferenceConnector } from '@mlops/connectors/inference';
import type { LocalMlserver } from '../../mlserver/local-server.mjs';

export function mlserverConnectorFor(mls: LocalMlserver, scenario: Scenario): MlserverInferenceConnector {
  return new MlserverInferenceConnector({
    url: mls.url,
    modelRepository: mls.modelRepository,
    ledgerDir: mkdtempSync(path.join(os.tmpdir(), 'mlserver-ledger-')),
    implementation: mls.implementation,
    targets: scenario.targets.map((t) => ({ id: t.id, name: t.machine, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment, updatedAt: t.createdAt })),
    modelVersions: new Map(scenario.modelVersions.map((m) => [m.id, m.projectId])),
    drainMs: 200,
  });
}

/** The model version the real server answers with on the target's endpoint now. */
export async function servedAnswer(connector: MlserverInferenceConnector, targetId: string): Promise<string> {
  const r = await fetch(connector.endpointOf(targetId)!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }),
  });
  if (r.status !== 200) throw new Error(`${targetId}: MLServer answered HTTP ${r.status}`);
  return ((await r.json()) as { outputs: { data: string[] }[] }).outputs[0]!.data[0]!;
}
