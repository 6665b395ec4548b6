/** The in-memory lineage store: used when no Neo4j is configured or can be provisioned. */
import { pageOf, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import type { LineageStore, ProjectModel, ReleaseTargetFilterInput, ReleaseTargetModel } from './types.ts';

export class MemoryLineageStore implements LineageStore {
  readonly kind = 'memory' as const;
  private readonly projects = new Map<string, ProjectModel>();
  private readonly targets = new Map<string, ReleaseTargetModel>();

  /** Seeds projects and targets (later issues feed it from a platform sync instead). */
  static fromScenario(s: Scenario): MemoryLineageStore {
    const store = new MemoryLineageStore();
    for (const p of s.projects) store.projects.set(p.id, { id: p.id, name: p.name, description: p.description, plant: p.plant, owners: p.owners });
    for (const t of s.targets) {
      store.targets.set(t.id, { id: t.id, name: t.machine, projectId: t.projectId, plant: t.plant, line: t.line, environment: t.environment });
    }
    return store;
  }

  async getProjects(ids: readonly string[]) {
    return ids.map((id) => this.projects.get(id) ?? null);
  }

  async listProjects(page: PageRequest) {
    return pageOf([...this.projects.values()].sort((a, b) => a.name.localeCompare(b.name)), page);
  }

  async getTargets(ids: readonly string[]) {
    return ids.map((id) => this.targets.get(id) ?? null);
  }

  async listTargets(projectId: string | null, f: ReleaseTargetFilterInput, page: PageRequest) {
    const q = f.search?.toLowerCase();
    const rows = [...this.targets.values()]
      .filter(
        (t) =>
          (projectId === null || t.projectId === projectId) &&
          (!f.line || t.line === f.line) &&
          (!f.plant || t.plant === f.plant) &&
          (!q || t.id.toLowerCase().includes(q)),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return pageOf(rows, page);
  }

  async close() {}
}
