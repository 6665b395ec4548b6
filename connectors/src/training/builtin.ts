/** The built-in training platform: an in-process registry over the plant scenario. */
import { byKeys, ChangeFeed, groupedByKeys, pageOf, type Page, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { inScope, scopeSet } from '../scope.ts';
import type { ModelVersionFilterInput, ModelVersionModel, TrainingConnector, TrainingRunFilterInput, TrainingRunModel } from './types.ts';

export class BuiltinTrainingConnector implements TrainingConnector {
  readonly platform = 'training';
  private readonly versions: ModelVersionModel[];
  private readonly runs: TrainingRunModel[];
  private readonly versionById: Map<string, ModelVersionModel>;
  private readonly runById: Map<string, TrainingRunModel>;
  private readonly feed = new ChangeFeed<ModelVersionModel>(() => this.versions, (v) => v.updatedAt);

  constructor(scenario: Scenario) {
    this.versions = scenario.modelVersions
      .map((m) => ({
        id: m.id,
        // The registry's model names are per project (MLflow: the `project` tag); the scenario says which.
        projectId: m.projectId,
        name: m.name,
        version: m.version,
        createdAt: m.createdAt,
        description: m.description,
        aliases: m.aliases,
        tags: m.tags,
        runId: m.runId,
        metrics: m.metrics,
        derivedFrom: m.derivedFrom,
        updatedAt: m.createdAt,
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
    // Runs carry their project from the experiment they were logged to.
    this.runs = scenario.runs
      .map((r) => ({ ...r }))
      .sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
    this.versionById = new Map(this.versions.map((v) => [v.id, v]));
    this.runById = new Map(this.runs.map((r) => [r.id, r]));
  }

  async getModelVersions(ids: readonly string[]) {
    return ids.map((id) => this.versionById.get(id) ?? null);
  }

  async getRuns(ids: readonly string[]) {
    return byKeys(ids, ids.map((id) => this.runById.get(id)).filter((r): r is TrainingRunModel => !!r), (r) => r.id);
  }

  async modelVersionsByRuns(runIds: readonly string[]) {
    const wanted = new Set(runIds);
    return groupedByKeys(runIds, this.versions.filter((v) => v.runId !== null && wanted.has(v.runId)), (v) => v.runId!);
  }

  async listModelVersions(filter: ModelVersionFilterInput, page: PageRequest): Promise<Page<ModelVersionModel>> {
    const scope = scopeSet(filter.projectIds);
    const rows = this.versions.filter(
      (v) =>
        inScope(scope, v.projectId) &&
        (!filter.name || v.name === filter.name) &&
        (!filter.alias || v.aliases.includes(filter.alias)) &&
        (!filter.tag || v.tags[filter.tag.key] === filter.tag.value),
    );
    return pageOf(rows, page);
  }

  async markDeprecated(id: string, change: { replacementId: string; removeAliases: boolean; at: string }): Promise<boolean> {
    const v = this.versionById.get(id);
    if (!v) return false;
    v.tags = { ...v.tags, deprecated: change.replacementId };
    if (change.removeAliases) v.aliases = [];
    // A registry change: the sync's feed picks it up from here.
    v.updatedAt = change.at;
    this.feed.touch(v);
    return true;
  }

  async changedModelVersions(since: string | null, page: PageRequest): Promise<Page<ModelVersionModel>> {
    return this.feed.page(since, page);
  }

  async listRuns(filter: TrainingRunFilterInput, page: PageRequest): Promise<Page<TrainingRunModel>> {
    const scope = scopeSet(filter.projectIds);
    const rows = this.runs.filter(
      (r) =>
        inScope(scope, r.projectId) &&
        (!filter.experiment || r.experiment === filter.experiment) &&
        (!filter.modelName || r.modelName === filter.modelName) &&
        (!filter.status || r.status === filter.status),
    );
    return pageOf(rows, page);
  }
}
