/**
 * The lineage store: the graph of projects, release targets, datasets, runs and model
 * versions. Two implementations answer the same interface: Neo4j (the real one) and an
 * in-memory graph for machines without Java; one contract suite runs against both.
 */
import type { Page, PageRequest } from '@mlops/kit';

export interface ProjectModel {
  id: string;
  name: string;
  description: string | null;
  plant: string;
  owners: string[];
}

export interface ReleaseTargetModel {
  id: string;
  name: string;
  projectId: string;
  plant: string;
  line: string;
  environment: string;
}

export interface ReleaseTargetFilterInput {
  line?: string | null;
  plant?: string | null;
  search?: string | null;
}

export interface LineageStore {
  readonly kind: 'neo4j' | 'memory';
  getProjects(ids: readonly string[]): Promise<(ProjectModel | null)[]>;
  /** By name. */
  listProjects(page: PageRequest): Promise<Page<ProjectModel>>;
  getTargets(ids: readonly string[]): Promise<(ReleaseTargetModel | null)[]>;
  /** By id; all projects when projectId is null. */
  listTargets(projectId: string | null, filter: ReleaseTargetFilterInput, page: PageRequest): Promise<Page<ReleaseTargetModel>>;
  close(): Promise<void>;
}
