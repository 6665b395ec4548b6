// Release management: idempotency keys and per-entity audit chain heads are locked by MERGE,
// which serialises concurrent mutations of one release.
CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (n:IdempotencyKey) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT audit_head_entity IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.entityId IS UNIQUE;
CREATE INDEX audit_event_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entityId, n.seq);
CREATE INDEX release_project IF NOT EXISTS FOR (n:Release) ON (n.projectId, n.requestedAt);
CREATE INDEX release_model_version IF NOT EXISTS FOR (n:Release) ON (n.modelVersionId);
