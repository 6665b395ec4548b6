// Deprecation-impact summaries of model versions with large derived trees: one node per model
// version (MERGE on the unique key), holding the walk's rows and the impact revision they are of.
CREATE CONSTRAINT impact_summary_model_version IF NOT EXISTS FOR (n:ImpactSummary) REQUIRE n.modelVersionId IS UNIQUE;
