/** The built-in serving platform: an in-process deployment registry over the plant scenario. */
import { badInput, ChangeFeed, groupBy, pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { deploymentFilter } from './filter.ts';
import type { DeployRequest, DeploymentFilterInput, DeploymentModel, DeploymentStrategy, InferenceConnector, TargetModel } from './types.ts';

const newestFirst = (a: DeploymentModel, b: DeploymentModel) => b.since.localeCompare(a.since) || b.id.localeCompare(a.id);

export class BuiltinInferenceConnector implements InferenceConnector {
  readonly platform = 'inference';
  readonly supportedStrategies: readonly DeploymentStrategy[] = ['HOT_SWAP', 'CANARY', 'PROMOTION', 'ROLLBACK'];
  private readonly all: DeploymentModel[];
  /** `all` by (updatedAt, id); every deployment a write closes or opens is touched. */
  private readonly feed = new ChangeFeed<DeploymentModel>(() => this.all, (d) => d.updatedAt);
  private readonly byId: Map<string, DeploymentModel>;
  private readonly byTarget: Map<string, DeploymentModel[]>;
  private readonly byModel: Map<string, DeploymentModel[]>;
  private readonly targets: TargetModel[];
  private readonly projectOfTarget: Map<string, string>;
  /** Model versions in the platform's model repository, by project (KServe: the namespace). */
  private readonly projectOfModel: Map<string, string>;
  private readonly clock: () => string;

  constructor(scenario: Scenario, clock: () => string = () => new Date().toISOString()) {
    this.clock = clock;
    this.projectOfTarget = new Map(scenario.targets.map((t) => [t.id, t.projectId]));
    this.projectOfModel = new Map(scenario.modelVersions.map((m) => [m.id, m.projectId]));
    this.all = scenario.deployments
      .map((d) => ({ ...d, projectId: this.projectOfTarget.get(d.targetId) ?? null, updatedAt: d.until ?? d.since }))
      .sort(newestFirst);
    this.byId = new Map(this.all.map((d) => [d.id, d]));
    this.byTarget = groupBy(this.all, (d) => d.targetId);
    this.byModel = groupBy(this.all, (d) => d.modelVersionId);
    this.targets = scenario.targets
      .map((t) => ({ id: t.id, name: t.machine, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment, updatedAt: t.createdAt }))
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
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
    const rows = source.filter(deploymentFilter(f));
    return pageOf(rows, page);
  }

  async projectsOfTargets(ids: readonly string[]) {
    return ids.map((id) => this.projectOfTarget.get(id) ?? null);
  }

  async projectsOfModelVersions(ids: readonly string[]) {
    return ids.map((id) => this.projectOfModel.get(id) ?? this.byModel.get(id)?.[0]?.projectId ?? null);
  }

  async changedDeployments(since: string | null, page: PageRequest) {
    return this.feed.page(since, page);
  }

  async changedTargets(since: string | null, page: PageRequest) {
    return pageOf(since === null ? this.targets : this.targets.filter((t) => t.updatedAt >= since), page);
  }

  async deploy(req: DeployRequest): Promise<DeploymentModel[]> {
    const history = this.byTarget.get(req.targetId);
    if (!history && !this.targets.some((t) => t.id === req.targetId)) throw badInput('targetId', `unknown release target ${JSON.stringify(req.targetId)}`);
    if (!this.projectOfModel.has(req.modelVersionId) && !this.byModel.has(req.modelVersionId)) {
      throw badInput('modelVersionId', `unknown model version ${JSON.stringify(req.modelVersionId)}`);
    }
    const at = req.at ?? this.clock();
    const serving = (history ?? []).filter((d) => d.until === null);
    const share = req.strategy === 'CANARY' ? (req.trafficPercent ?? 10) : 100;
    if (!Number.isInteger(share) || share < 1 || share > 100) throw badInput('trafficPercent', `must be 1–100, got ${share}`);
    if (req.strategy !== 'CANARY' && serving.length === 1 && serving[0]!.modelVersionId === req.modelVersionId && serving[0]!.trafficPercent === 100) {
      return serving;
    }
    if (req.strategy === 'CANARY' && serving.some((d) => d.modelVersionId === req.modelVersionId && d.trafficPercent === share)) return serving;
    const close = (d: DeploymentModel, state: DeploymentModel['state']) => {
      d.until = at;
      d.state = state;
      d.updatedAt = at;
      this.feed.touch(d);
    };
    const endpoint = serving[0]?.endpoint ?? `https://serving.example/v1/models/${encodeURIComponent(req.targetId)}:predict`;
    const open = (modelVersionId: string, trafficPercent: number, state: DeploymentModel['state'], strategy: DeploymentModel['strategy']) => {
      const seq = (history?.length ?? 0) + 1;
      const projectId = this.projectOfTarget.get(req.targetId) ?? null;
      const d: DeploymentModel = { id: `${req.targetId}#${seq}`, projectId, targetId: req.targetId, modelVersionId, trafficPercent, state, strategy, since: at, until: null, endpoint, updatedAt: at };
      this.all.unshift(d);
      this.byId.set(d.id, d);
      const list = this.byTarget.get(req.targetId) ?? [];
      list.unshift(d);
      this.byTarget.set(req.targetId, list);
      const ml = this.byModel.get(modelVersionId) ?? [];
      ml.unshift(d);
      this.byModel.set(modelVersionId, ml);
      this.feed.touch(d);
      return d;
    };
    if (req.strategy === 'CANARY') {
      const champion = serving.find((d) => d.state !== 'CANARY') ?? serving[0];
      for (const d of serving) close(d, 'RETIRED');
      if (champion) open(champion.modelVersionId, 100 - share, 'ACTIVE', 'CANARY');
      open(req.modelVersionId, share, 'CANARY', 'CANARY');
    } else {
      for (const d of serving) close(d, req.strategy === 'ROLLBACK' && d.modelVersionId !== req.modelVersionId ? 'ROLLED_BACK' : 'RETIRED');
      open(req.modelVersionId, 100, 'ACTIVE', req.strategy);
    }
    return (this.byTarget.get(req.targetId) ?? []).filter((d) => d.until === null);
  }
}

