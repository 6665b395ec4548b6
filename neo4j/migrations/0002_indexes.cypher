// Traversal anchors: every node carries :Entity so the explorer can start from any id.
CREATE INDEX entity_id IF NOT EXISTS FOR (n:Entity) ON (n.id);
CREATE INDEX entity_source IF NOT EXISTS FOR (n:Entity) ON (n.source);
CREATE INDEX release_target_project IF NOT EXISTS FOR (n:ReleaseTarget) ON (n.projectId);
CREATE INDEX model_version_name_version IF NOT EXISTS FOR (n:ModelVersion) ON (n.name, n.version);
CREATE INDEX dataset_version_created IF NOT EXISTS FOR (n:DatasetVersion) ON (n.createdAt);
// (deployed_to_deployment, an index on DEPLOYED_TO(deploymentId), was created here until 0007 dropped it.)
CREATE INDEX deployed_to_until IF NOT EXISTS FOR ()-[r:DEPLOYED_TO]-() ON (r.to);
