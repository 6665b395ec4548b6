/**
 * Idempotent graph writes: MERGE on constrained keys, batched with UNWIND. Every node also
 * carries :Entity (the explorer's id index), `source` and `syncedAt`. Referenced nodes that
 * do not exist yet are merged as bare keys; a later batch fills them.
 */
import type { GraphBatch, Platform } from '../store/types.ts';
import { cy, type Query } from './query.ts';
import { IMPACT_SUMMARY_FORMAT, MAX_HOPS } from './reads.ts';

/**
 * Moves the impact revision of `m` and every model version within MAX_HOPS upstream of it, in
 * the writing statement's own transaction: their impact summaries (reads.ts `impact.root`)
 * stop being used until refreshed. The statements below call it for the rows whose write can
 * change a summary (a version's project or base, a deployment's liveness or role, a target's
 * description, which summaries carry) and not for rows rewritten unchanged, which a change feed
 * re-reads at its watermark every pass. Unconditional otherwise (also where no summary exists
 * yet): a refresh reads the revision before it walks, and a write that skipped versions without
 * a summary could commit between the two, unseen by both.
 */
const bumpImpact = (m: string) => cy`
  CALL {
    WITH ${m}
    MATCH (${m})-[:DERIVED_FROM*0..${MAX_HOPS}]->(a:ModelVersion)
    SET a.impactRev = coalesce(a.impactRev, 0) + 1
  }`;


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
      WITH t, row, t.name IS NULL OR [coalesce(t.name, ''), coalesce(t.projectId, ''), coalesce(t.plant, ''), coalesce(t.line, ''), coalesce(t.environment, '')]
        <> [coalesce(row.name, ''), coalesce(row.projectId, ''), coalesce(row.plant, ''), coalesce(row.line, ''), coalesce(row.environment, '')] AS changed
      SET t:Entity, t.name = row.name, t.projectId = row.projectId, t.plant = row.plant, t.line = row.line,
          t.environment = row.environment, t.source = $source, t.syncedAt = $syncedAt
      MERGE (p:Project {id: row.projectId})
      ON CREATE SET p:Entity
      MERGE (t)-[:IN_PROJECT]->(p)
      WITH t, row, changed
      OPTIONAL MATCH (t)-[old:IN_PROJECT]->(other:Project) WHERE other.id <> row.projectId
      DELETE old
      WITH DISTINCT t, changed WHERE changed
      MATCH (t)<-[:DEPLOYED_TO]-(m:ModelVersion)
      WITH DISTINCT m
      ${bumpImpact('m')}`,
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
      WITH m, row, coalesce(m.projectId, '') <> coalesce(row.projectId, '')
        OR (row.derivedFrom IS NOT NULL AND NOT EXISTS { MATCH (m)-[:DERIVED_FROM]->(:ModelVersion {id: row.derivedFrom}) }) AS changed
      SET m:Entity, m.name = row.name, m.version = row.version, m.createdAt = row.createdAt, m.projectId = row.projectId,
          m.source = $source, m.syncedAt = $syncedAt
      FOREACH (runId IN CASE WHEN row.runId IS NULL THEN [] ELSE [row.runId] END |
        MERGE (r:TrainingRun {id: runId})
        ON CREATE SET r:Entity
        MERGE (r)-[:PRODUCED]->(m))
      FOREACH (baseId IN CASE WHEN row.derivedFrom IS NULL THEN [] ELSE [row.derivedFrom] END |
        MERGE (b:ModelVersion {id: baseId})
        ON CREATE SET b:Entity
        MERGE (m)-[:DERIVED_FROM]->(b))
      WITH m, changed WHERE changed
      ${bumpImpact('m')}`,
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
      WITH m, d, row, d.syncedAt IS NULL OR coalesce(d.state, '') <> coalesce(row.state, '') OR coalesce(d.to, '') <> coalesce(row.to, '') AS changed
      SET d.from = row.from, d.to = row.to, d.trafficPercent = row.trafficPercent, d.state = row.state,
          d.source = $source, d.syncedAt = $syncedAt
      WITH DISTINCT m, changed WHERE changed
      ${bumpImpact('m')}`,
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
  return out;
}

/**
 * A batch with one made-up row of every kind, so that `batchQueries` gives all seven batch
 * statements with the parameter types the sync sends (Neo4j caches a plan by statement text and
 * parameter types). Only for `Neo4jLineageStore.replanWrites`, which runs them in a transaction
 * it rolls back: nothing of it is ever stored.
 */
export function rehearsalBatch(syncedAt: string): GraphBatch {
  const id = '\u0000replan';
  return {
    source: 'lineage',
    syncedAt,
    projects: [{ id, name: id, description: null, plant: id, owners: [] }],
    targets: [{ id, name: id, projectId: id, plant: id, line: id, environment: id }],
    datasets: [{ id, name: id, kind: id, owner: id }],
    datasetVersions: [{ id, datasetId: id, version: 1, uri: id, owner: id, createdAt: syncedAt, derivedFrom: [] }],
    runs: [{ id, experiment: id, startTime: syncedAt, inputs: [] }],
    modelVersions: [{ id, name: id, version: 1, createdAt: syncedAt, runId: null, projectId: id, derivedFrom: null }],
    deployments: [{ id, targetId: id, modelVersionId: id, from: syncedAt, to: null, trafficPercent: 100, state: 'ACTIVE' }],
  };
}

/**
 * Stores a model version's impact summary computed at revision `rev`, unless a write has
 * changed the revision since (then nothing is stored: the next reader walks and refreshes).
 */
export function storeImpactSummary(modelVersionId: string, rev: number, rows: string, computedAt: string): Query {
  return {
    cypher: cy`
      MATCH (m:ModelVersion {id: $modelVersionId}) WHERE coalesce(m.impactRev, 0) = $rev
      MERGE (s:ImpactSummary {modelVersionId: $modelVersionId})
      SET s.rev = $rev, s.format = $format, s.rows = $rows, s.computedAt = $computedAt
      RETURN count(*) AS stored`,
    params: { modelVersionId, rev, rows, computedAt, format: IMPACT_SUMMARY_FORMAT },
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
