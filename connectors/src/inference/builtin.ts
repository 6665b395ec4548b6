/** The built-in serving platform: an in-process deployment registry over the plant scenario. */
import { pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import type { DeploymentFilterInput, DeploymentModel, InferenceConnector } from './types.ts';

const newestFirst = (a: DeploymentModel, b: DeploymentModel) => b.since.localeCompare(a.since) || b.id.localeCompare(a.id);

export class BuiltinInferenceConnector implements InferenceConnector {
  readonly platform = 'inference';
  private readonly all: DeploymentModel[];
  private readonly byId: Map<string, DeploymentModel>;
  private readonly byTarget = new Map<string, DeploymentModel[]>();
  private readonly byModel = new Map<string, DeploymentModel[]>();

  constructor(scenario: Scenario) {
    this.all = scenario.deployments.map((d) => ({ ...d })).sort(newestFirst);
    this.byId = new Map(this.all.map((d) => [d.id, d]));
    for (const d of this.all) {
      push(this.byTarget, d.targetId, d);
      push(this.byModel, d.modelVersionId, d);
    }
  }

  async getDeployments(ids: readonly string[]) {
    return ids.map((id) => this.byId.get(id) ?? null);
  }

  async deploymentsByTargets(targetIds: readonly string[]) {
    return targetIds.map((id) => this.byTarget.get(id) ?? []);
  }

  async deploymentsByModelVersions(ids: readonly string[]) {
    return ids.map((id) => this.byModel.get(id) ?? []);
  }

  async listDeployments(f: DeploymentFilterInput, page: PageRequest) {
    const source = f.targetId ? (this.byTarget.get(f.targetId) ?? []) : f.modelVersionId ? (this.byModel.get(f.modelVersionId) ?? []) : this.all;
    const rows = source.filter(
      (d) =>
        (!f.activeOnly || d.until === null) &&
        (!f.state || d.state === f.state) &&
        (!f.modelVersionId || d.modelVersionId === f.modelVersionId) &&
        (!f.targetId || d.targetId === f.targetId),
    );
    return pageOf(rows, page);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
