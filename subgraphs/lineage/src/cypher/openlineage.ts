/**
 * Writes of the OpenLineage intake: what one RunEvent teaches the catalog, beside the lineage
 * graph under its own labels (`OLJob`, `OLRun`, `OLDataset`, `OLDatasetVersion`), so the catalog's
 * source is never confused with what the lineage sync writes from the connectors. Keys are
 * constrained (neo4j/migrations/0004_openlineage.cypher); every write is a MERGE, every value a
 * parameter, so replaying an event sets the same values again and changes nothing.
 *
 * Precedence: what a run's outputs say about a dataset version wins over what a consumer's
 * inputs say (inputs only fill gaps); a COMPLETE event fixes `createdAt` and `producer` and adds
 * `(output)-[:DERIVED_FROM]->(input)` for each versioned input.
 */
import type { DatasetSighting, OpenLineageWrite } from '../openlineage/event.ts';
import { cy, type Query } from './query.ts';

export function runAndJob(w: OpenLineageWrite): Query {
  return {
    cypher: cy`
      MERGE (j:OLJob {id: $jobId})
      ON CREATE SET j.namespace = $jobNamespace, j.name = $jobName
      MERGE (r:OLRun {id: $runId})
      WITH j, r, (r.eventTime IS NULL OR $eventTime >= r.eventTime) AS newer
      SET r.jobId = $jobId,
      r.state = CASE WHEN newer THEN $eventType ELSE r.state END,
      r.producer = CASE WHEN newer THEN $producer ELSE r.producer END,
      r.eventTime = CASE WHEN newer THEN $eventTime ELSE r.eventTime END
      MERGE (r)-[:OF_JOB]->(j)
    `,
    params: { jobId: w.jobId, jobNamespace: w.jobNamespace, jobName: w.jobName, runId: w.runId, eventTime: w.eventTime, eventType: w.eventType, producer: w.producer },
  };
}

const props = (d: DatasetSighting) => ({
  name: d.name,
  namespace: d.namespace,
  versionId: d.versionId,
  version: d.version,
  kind: d.kind,
  projectId: d.projectId,
  description: d.description,
  owner: d.owner,
  schemaJson: d.schemaJson,
  rowCount: d.rowCount,
  versionNumber: d.versionNumber,
  uri: d.uri,
  digest: d.digest,
});

/** Datasets (and their versions) one side of the run touched, linked to the run. */
export function datasets(w: OpenLineageWrite, side: 'inputs' | 'outputs'): Query {
  const out = side === 'outputs';
  // Outputs overwrite with what they say; inputs only fill what is still unknown.
  const pick = (node: string, key: string) => (out ? `coalesce(d.${key}, ${node}.${key})` : `coalesce(${node}.${key}, d.${key})`);
  const rel = out ? 'WROTE' : 'READ';
  return {
    cypher: cy`
      MATCH (r:OLRun {id: $runId})
      UNWIND $datasets AS d
      MERGE (ds:OLDataset {id: d.name})
      ON CREATE SET ds.name = d.name
      SET ds.namespace = ${pick('ds', 'namespace')}, ds.kind = ${pick('ds', 'kind')}, ds.projectId = ${pick('ds', 'projectId')},
      ds.description = ${pick('ds', 'description')}, ds.owner = ${pick('ds', 'owner')}
      WITH r, d, ds
      WHERE d.versionId IS NOT NULL
      MERGE (v:OLDatasetVersion {id: d.versionId})
      ON CREATE SET v.datasetId = d.name, v.version = d.version, v.createdAt = $eventTime
      SET v.namespace = ${pick('v', 'namespace')}, v.projectId = ${pick('v', 'projectId')}, v.owner = ${pick('v', 'owner')},
      v.schemaJson = ${pick('v', 'schemaJson')}, v.rowCount = ${pick('v', 'rowCount')}, v.versionNumber = ${pick('v', 'versionNumber')},
      v.uri = ${pick('v', 'uri')}, v.digest = ${pick('v', 'digest')}
      ${out ? 'SET v.createdAt = CASE WHEN $complete THEN $eventTime ELSE v.createdAt END, v.producer = CASE WHEN $complete OR v.producer IS NULL THEN $jobId ELSE v.producer END' : ''}
      MERGE (v)-[:VERSION_OF]->(ds)
      MERGE (r)-[:${rel}]->(v)
    `,
    params: { runId: w.runId, eventTime: w.eventTime, complete: w.complete, jobId: w.jobId, datasets: w[side].map(props) },
  };
}

/** A COMPLETE run: each versioned output derives from each versioned input. */
export function derivedFrom(w: OpenLineageWrite): Query {
  const pairs = w.complete
    ? w.outputs.flatMap((o) => (o.versionId ? w.inputs.filter((i) => i.versionId && i.versionId !== o.versionId).map((i) => ({ from: o.versionId, to: i.versionId })) : []))
    : [];
  return {
    cypher: cy`
      UNWIND $pairs AS p
      MATCH (o:OLDatasetVersion {id: p.from}), (i:OLDatasetVersion {id: p.to})
      MERGE (o)-[:DERIVED_FROM]->(i)
    `,
    params: { pairs },
  };
}

/** Every query of one event, in order, for one transaction. */
export function writeEvent(w: OpenLineageWrite): Query[] {
  return [runAndJob(w), datasets(w, 'inputs'), datasets(w, 'outputs'), derivedFrom(w)];
}

/** Node and relationship counts of the OpenLineage store (for tests and health). */
export function openLineageCounts(): Query {
  return {
    cypher: cy`
      RETURN COUNT { MATCH (n) WHERE n:OLJob OR n:OLRun OR n:OLDataset OR n:OLDatasetVersion } AS nodes,
      COUNT { MATCH (n)-[r]->() WHERE n:OLRun OR n:OLDatasetVersion } AS relationships
    `,
    params: {},
  };
}
