// The OpenLineage intake's store (POST /api/v1/lineage), beside the lineage graph under its own
// labels: the catalog connector `openlineage` reads it. MERGE on these keys is fast and race-free.
CREATE CONSTRAINT ol_job_id IF NOT EXISTS FOR (n:OLJob) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ol_run_id IF NOT EXISTS FOR (n:OLRun) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ol_dataset_id IF NOT EXISTS FOR (n:OLDataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT ol_dataset_version_id IF NOT EXISTS FOR (n:OLDatasetVersion) REQUIRE n.id IS UNIQUE;
// Versions of a dataset (listVersions, latestVersions) and the changed-since feed.
CREATE INDEX ol_dataset_version_dataset IF NOT EXISTS FOR (n:OLDatasetVersion) ON (n.datasetId, n.createdAt);
CREATE INDEX ol_dataset_version_created IF NOT EXISTS FOR (n:OLDatasetVersion) ON (n.createdAt);
