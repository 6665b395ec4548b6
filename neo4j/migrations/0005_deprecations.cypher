// Deprecations: one node per announcement; the lock node serialises announcements of one
// model version (MERGE on a unique key takes the write lock).
CREATE CONSTRAINT deprecation_id IF NOT EXISTS FOR (n:Deprecation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT deprecation_lock IF NOT EXISTS FOR (n:DeprecationLock) REQUIRE n.modelVersionId IS UNIQUE;
CREATE INDEX deprecation_model_version IF NOT EXISTS FOR (n:Deprecation) ON (n.modelVersionId);
