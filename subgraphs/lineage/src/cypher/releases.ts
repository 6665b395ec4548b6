/** Cypher for releases, approvals, idempotency keys and the audit trail (pure builders). */
import { deprecationProjects, type AuditEventRecord, type DeprecationDoc, type ReleaseDoc, type ReleaseStatus } from '../releases/types.ts';
import { cy, type Query } from './query.ts';

/** MERGE + SET takes the write lock on the head: concurrent mutations of one entity queue here. */
export const lockHead = (entityId: string): Query => ({
  cypher: cy`
    MERGE (h:AuditHead {entityId: $entityId})
    SET h.lockedAt = timestamp()
    RETURN h.count AS count, h.hash AS hash`,
  params: { entityId },
});

/**
 * MERGE + SET takes the write lock on the key: a concurrent call with the same key waits here
 * until the first commits, then reads its result. A refused call rolls back, so the node it
 * merged never exists.
 */
export const lockKey = (key: string): Query => ({
  cypher: cy`
    MERGE (k:IdempotencyKey {key: $key})
    SET k.lockedAt = timestamp()
    RETURN k.result AS result, k.bodyHash AS bodyHash, k.expiresAt AS expiresAt`,
  params: { key },
});

/** A stored key, read only (replays answered before any write transaction). */
export const readKey = (key: string): Query => ({
  cypher: 'MATCH (k:IdempotencyKey {key: $key}) RETURN k.result AS result, k.bodyHash AS bodyHash, k.expiresAt AS expiresAt',
  params: { key },
});

export const saveKey = (key: string, bodyHash: string, result: string, createdAt: string, expiresAt: string): Query => ({
  cypher: cy`
    MATCH (k:IdempotencyKey {key: $key})
    SET k.result = $result, k.bodyHash = $bodyHash, k.createdAt = $createdAt, k.expiresAt = $expiresAt`,
  params: { key, bodyHash, result, createdAt, expiresAt },
});

/** Expired keys (and keys from before expiry existed) in batches; ISO times compare as strings. */
export const pruneKeys = (now: string, limit: number): Query => ({
  cypher: cy`
    MATCH (k:IdempotencyKey)
    WHERE k.expiresAt IS NULL OR k.expiresAt <= $now
    WITH k LIMIT $limit
    DETACH DELETE k
    RETURN count(*) AS deleted`,
  params: { now, limit },
});

export const releaseDoc = (id: string): Query => ({ cypher: 'MATCH (r:Release {id: $id}) RETURN r.doc AS doc', params: { id } });

export const saveRelease = (r: ReleaseDoc): Query => ({
  cypher: cy`
    MERGE (r:Release {id: $id})
    SET r.doc = $doc, r.status = $status, r.projectId = $projectId, r.modelVersionId = $modelVersionId,
        r.requestedAt = $requestedAt, r.updatedAt = $updatedAt
    MERGE (m:ModelVersion {id: $modelVersionId})
    ON CREATE SET m:Entity
    MERGE (r)-[:OF]->(m)
    WITH r
    UNWIND $targetIds AS tid
    MERGE (t:ReleaseTarget {id: tid})
    ON CREATE SET t:Entity
    MERGE (r)-[:TO]->(t)`,
  params: {
    id: r.id,
    doc: JSON.stringify(r),
    status: r.status,
    projectId: r.projectId,
    modelVersionId: r.modelVersionId,
    requestedAt: r.requestedAt,
    updatedAt: r.updatedAt,
    targetIds: r.targets.map((t) => t.targetId),
  },
});

export const saveApprovals = (releaseId: string, approvals: ReleaseDoc['approvals']): Query => ({
  cypher: cy`
    MATCH (r:Release {id: $releaseId})
    UNWIND $approvals AS a
    MERGE (ap:Approval {id: a.id})
    SET ap.approver = a.approver, ap.decision = a.decision, ap.comment = a.comment, ap.at = a.at
    MERGE (ap)-[:ON]->(r)`,
  params: { releaseId, approvals },
});

export const appendAudit = (events: AuditEventRecord[], head: { count: number; hash: string }): Query => ({
  cypher: cy`
    UNWIND $events AS e
    CREATE (a:AuditEvent)
    SET a = e
    WITH count(a) AS written
    MATCH (h:AuditHead {entityId: $entityId})
    SET h.count = $count, h.hash = $hash
    RETURN written`,
  params: { events, entityId: events[0]?.entityId ?? '', count: head.count, hash: head.hash },
});

export const releaseDocs = (ids: readonly string[]): Query => ({
  cypher: 'UNWIND $ids AS id MATCH (r:Release {id: id}) RETURN r.doc AS doc',
  params: { ids },
});

export const listReleases = (
  f: { projectIds: string[] | null; status: ReleaseStatus | null; modelVersionId: string | null; targetId: string | null },
  skip: number,
  limit: number,
): Query => ({
  cypher: cy`
    MATCH (r:Release)
    WHERE ($projectIds IS NULL OR r.projectId IN $projectIds) AND ($status IS NULL OR r.status = $status)
      AND ($modelVersionId IS NULL OR r.modelVersionId = $modelVersionId)
      AND ($targetId IS NULL OR EXISTS { MATCH (r)-[:TO]->(:ReleaseTarget {id: $targetId}) })
    WITH r ORDER BY r.requestedAt DESC, r.id DESC
    WITH collect(r.doc) AS rows
    RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS items`,
  params: { ...f, skip, limit },
});

export const auditTrail = (entityId: string, skip: number, limit: number): Query => ({
  cypher: cy`
    MATCH (a:AuditEvent {entityId: $entityId})
    WITH a ORDER BY a.seq
    WITH collect(a {.*}) AS rows
    RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS items`,
  params: { entityId, skip, limit },
});

export const auditChain = (entityId: string): Query => ({
  cypher: cy`
    OPTIONAL MATCH (h:AuditHead {entityId: $entityId})
    CALL { MATCH (a:AuditEvent {entityId: $entityId}) RETURN collect(a {.*}) AS events }
    RETURN h.count AS count, h.hash AS hash, events`,
  params: { entityId },
});

export const getPolicy = (projectId: string): Query => ({ cypher: 'MATCH (p:Project {id: $projectId}) RETURN p.policy AS policy', params: { projectId } });

export const setPolicy = (projectId: string, policy: string): Query => ({
  cypher: 'MERGE (p:Project {id: $projectId}) ON CREATE SET p:Entity SET p.policy = $policy',
  params: { projectId, policy },
});

/** Serialises deprecations of one model version (taken inside the write transaction). */
export const lockDeprecations = (modelVersionId: string): Query => ({
  cypher: cy`
    MERGE (l:DeprecationLock {modelVersionId: $modelVersionId})
    SET l.lockedAt = timestamp()
    RETURN l.modelVersionId AS modelVersionId`,
  params: { modelVersionId },
});

export const deprecationsOf = (modelVersionId: string): Query => ({
  cypher: 'MATCH (d:Deprecation {modelVersionId: $modelVersionId}) RETURN d.doc AS doc ORDER BY d.requestedAt DESC, d.id DESC',
  params: { modelVersionId },
});

export const deprecationDocs = (ids: readonly string[]): Query => ({
  cypher: 'UNWIND $ids AS id MATCH (d:Deprecation {id: id}) RETURN d.doc AS doc',
  params: { ids },
});

export const saveDeprecation = (d: DeprecationDoc): Query => ({
  cypher: cy`
    MERGE (d:Deprecation {id: $id})
    SET d.doc = $doc, d.status = $status, d.modelVersionId = $modelVersionId, d.replacementId = $replacementId,
        d.projectIds = $projectIds, d.requestedAt = $requestedAt, d.updatedAt = $updatedAt, d.effectiveAt = $effectiveAt
    MERGE (m:ModelVersion {id: $modelVersionId})
    ON CREATE SET m:Entity
    MERGE (d)-[:OF]->(m)
    MERGE (r:ModelVersion {id: $replacementId})
    ON CREATE SET r:Entity
    MERGE (d)-[:REPLACED_BY]->(r)`,
  params: {
    id: d.id,
    doc: JSON.stringify(d),
    status: d.status,
    modelVersionId: d.modelVersionId,
    replacementId: d.replacementId,
    projectIds: deprecationProjects(d),
    requestedAt: d.requestedAt,
    updatedAt: d.updatedAt,
    effectiveAt: d.effectiveAt,
  },
});

export const listDeprecations = (f: { projectIds: string[] | null; modelVersionId: string | null; status: string | null; effectiveBy: string | null }): Query => ({
  cypher: cy`
    MATCH (d:Deprecation)
    WHERE ($modelVersionId IS NULL OR d.modelVersionId = $modelVersionId) AND ($status IS NULL OR d.status = $status)
      AND ($effectiveBy IS NULL OR d.effectiveAt IS NULL OR d.effectiveAt <= $effectiveBy)
      AND ($projectIds IS NULL OR any(p IN d.projectIds WHERE p IN $projectIds))
    RETURN d.doc AS doc ORDER BY d.requestedAt DESC, d.id DESC LIMIT 500`,
  params: f,
});

/** At most one active deprecation per version (announcements of a version serialise on its lock). */
export const activeDeprecations = (ids: readonly string[], statuses: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $ids AS key
    MATCH (d:Deprecation {modelVersionId: key}) WHERE d.status IN $statuses
    RETURN key, d.doc AS doc`,
  params: { ids, statuses },
});
