/**
 * Idempotent graph writes: MERGE on constrained keys, batched with UNWIND. Every node also
 * carries :Entity (the explorer's id index), `source` and `syncedAt`. Referenced nodes that
 * do not exist yet are merged as bare keys; a later batch fills them.
 */
import type { GraphBatch, Platform } from '../store/types.ts';
import { cy, type Query } from './query.ts';
import { MAX_HOPS } from './reads.ts';


export function upsertProjects(rows: NonNullable<GraphBatch['projects']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (p:Project {id: row.id})
      SET p:Entity, p.name = row.name, p.description = row.description, p.plant = row.plant, p.owners = row.owners,
          p.source = $source, p.syncedAt = $syncedAt`,
    params: { rows, source, syncedAt },
  };
}

export function upsertTargets(rows: NonNullable<GraphBatch['targets']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (t:ReleaseTarget {id: row.id})
      SET t:Entity, t.name = row.name, t.projectId = row.projectId, t.plant = row.plant, t.line = row.line,
          t.environment = row.environment, t.source = $source, t.syncedAt = $syncedAt
      MERGE (p:Project {id: row.projectId})
      ON CREATE SET p:Entity
      MERGE (t)-[:IN_PROJECT]->(p)
      WITH t, row
      OPTIONAL MATCH (t)-[old:IN_PROJECT]->(other:Project) WHERE other.id <> row.projectId
      DELETE old`,
    params: { rows, source, syncedAt },
  };
}

export function upsertDatasets(rows: NonNullable<GraphBatch['datasets']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (d:Dataset {id: row.id})
      SET d:Entity, d.name = row.name, d.kind = row.kind, d.owner = row.owner, d.source = $source, d.syncedAt = $syncedAt`,
    params: { rows, source, syncedAt },
  };
}

export function upsertDatasetVersions(rows: NonNullable<GraphBatch['datasetVersions']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (v:DatasetVersion {id: row.id})
      SET v:Entity, v.datasetId = row.datasetId, v.version = row.version, v.uri = row.uri, v.owner = row.owner,
          v.createdAt = row.createdAt, v.source = $source, v.syncedAt = $syncedAt
      MERGE (d:Dataset {id: row.datasetId})
      ON CREATE SET d:Entity
      MERGE (v)-[:VERSION_OF]->(d)
      WITH v, row
      UNWIND row.derivedFrom AS upId
      MERGE (u:DatasetVersion {id: upId})
      ON CREATE SET u:Entity
      MERGE (v)-[:DERIVED_FROM]->(u)`,
    params: { rows, source, syncedAt },
  };
}

export function upsertRuns(rows: NonNullable<GraphBatch['runs']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (r:TrainingRun {id: row.id})
      SET r:Entity, r.experiment = row.experiment, r.startTime = row.startTime, r.source = $source, r.syncedAt = $syncedAt
      WITH r, row
      UNWIND row.inputs AS inputId
      MERGE (v:DatasetVersion {id: inputId})
      ON CREATE SET v:Entity
      MERGE (r)-[:CONSUMED]->(v)`,
    params: { rows, source, syncedAt },
  };
}

export function upsertModelVersions(rows: NonNullable<GraphBatch['modelVersions']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (m:ModelVersion {id: row.id})
      SET m:Entity, m.name = row.name, m.version = row.version, m.createdAt = row.createdAt, m.projectId = row.projectId,
          m.source = $source, m.syncedAt = $syncedAt
      FOREACH (runId IN CASE WHEN row.runId IS NULL THEN [] ELSE [row.runId] END |
        MERGE (r:TrainingRun {id: runId})
        ON CREATE SET r:Entity
        MERGE (r)-[:PRODUCED]->(m))
      FOREACH (baseId IN CASE WHEN row.derivedFrom IS NULL THEN [] ELSE [row.derivedFrom] END |
        MERGE (b:ModelVersion {id: baseId})
        ON CREATE SET b:Entity
        MERGE (m)-[:DERIVED_FROM]->(b))`,
    params: { rows, source, syncedAt },
  };
}

export function upsertDeployments(rows: NonNullable<GraphBatch['deployments']>, source: Platform, syncedAt: string): Query {
  return {
    cypher: cy`
      UNWIND $rows AS row
      MERGE (m:ModelVersion {id: row.modelVersionId})
      ON CREATE SET m:Entity
      MERGE (t:ReleaseTarget {id: row.targetId})
      ON CREATE SET t:Entity
      MERGE (m)-[d:DEPLOYED_TO {deploymentId: row.id}]->(t)
      SET d.from = row.from, d.to = row.to, d.trafficPercent = row.trafficPercent, d.state = row.state,
          d.source = $source, d.syncedAt = $syncedAt`,
    params: { rows, source, syncedAt },
  };
}

/** The queries for one batch, in dependency order, for one write transaction. */
export function batchQueries(b: GraphBatch): Query[] {
  const out: Query[] = [];
  if (b.projects?.length) out.push(upsertProjects(b.projects, b.source, b.syncedAt));
  if (b.targets?.length) out.push(upsertTargets(b.targets, b.source, b.syncedAt));
  if (b.datasets?.length) out.push(upsertDatasets(b.datasets, b.source, b.syncedAt));
  if (b.datasetVersions?.length) out.push(upsertDatasetVersions(b.datasetVersions, b.source, b.syncedAt));
  if (b.runs?.length) out.push(upsertRuns(b.runs, b.source, b.syncedAt));
  if (b.modelVersions?.length) out.push(upsertModelVersions(b.modelVersions, b.source, b.syncedAt));
  if (b.deployments?.length) out.push(upsertDeployments(b.deployments, b.source, b.syncedAt));
  const modelIds = [...(b.modelVersions ?? []).map((m) => m.id), ...(b.deployments ?? []).map((d) => d.modelVersionId)];
  const targetIds = (b.targets ?? []).map((t) => t.id);
  if (modelIds.length || targetIds.length) out.push(touchImpact([...new Set(modelIds)], targetIds));
  return out;
}

/**
 * Marks the impact summaries (reads.ts `impact.summary`) that this batch may have changed, in
 * the batch's own transaction: the impact revision of every model version within MAX_HOPS
 * upstream of a version it wrote (its project, its base, its deployments) or of a version
 * deployed to a target it wrote (the target's project), the version itself included. A summary
 * is used only while its revision is the version's, so no summary outlives a write it does not
 * reflect. Unconditional (also where no summary exists yet): a refresh reads the revision
 * before it walks, and a write that skipped versions without a summary could commit between
 * the two unseen by both. Costs one property write per version touched and its bases.
 */
export function touchImpact(modelIds: readonly string[], targetIds: readonly string[]): Query {
  return {
    cypher: cy`
      CALL {
        UNWIND $modelIds AS id
        MATCH (m:ModelVersion {id: id})
        RETURN m
        UNION
        UNWIND $targetIds AS id
        MATCH (:ReleaseTarget {id: id})<-[:DEPLOYED_TO]-(m:ModelVersion)
        RETURN m
      }
      MATCH (m)-[:DERIVED_FROM*0..${MAX_HOPS}]->(a:ModelVersion)
      WITH DISTINCT a
      SET a.impactRev = coalesce(a.impactRev, 0) + 1`,
    params: { modelIds, targetIds },
  };
}

/**
 * Stores a model version's impact summary computed at revision `rev`, unless a write has
 * moved the revision since (then nothing is stored: the next reader walks and refreshes).
 */
export function storeImpactSummary(modelVersionId: string, rev: number, rows: string, computedAt: string): Query {
  return {
    cypher: cy`
      MATCH (m:ModelVersion {id: $modelVersionId}) WHERE coalesce(m.impactRev, 0) = $rev
      MERGE (s:ImpactSummary {modelVersionId: $modelVersionId})
      SET s.rev = $rev, s.rows = $rows, s.computedAt = $computedAt
      RETURN count(*) AS stored`,
    params: { modelVersionId, rev, rows, computedAt },
  };
}

export function setWatermark(platform: Platform, watermark: string | null, syncedAt: string): Query {
  return {
    cypher: cy`
      MERGE (s:SyncState {platform: $platform})
      SET s.watermark = $watermark, s.lastSyncAt = $syncedAt`,
    params: { platform, watermark, syncedAt },
  };
}

export function recordMigration(version: number, name: string, appliedAt: string): Query {
  return {
    cypher: cy`
      MERGE (m:SchemaMigration {version: $version})
      ON CREATE SET m.name = $name, m.appliedAt = $appliedAt`,
    params: { version, name, appliedAt },
  };
}

export const appliedMigrations = (): Query => ({ cypher: 'MATCH (m:SchemaMigration) RETURN m.version AS version ORDER BY version', params: {} });
