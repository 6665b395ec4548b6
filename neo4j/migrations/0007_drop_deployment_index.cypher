// The relationship index on DEPLOYED_TO(deploymentId) served one statement, the sync's MERGE of a
// deployment, whose two endpoints are already bound there. Planned on a small graph (a first load
// plans it at its first page), that MERGE looked the relationship up through this index, and the
// cached plan kept doing so: in the 10,000-target first load, a page of one model's fleet rollout
// (402 deployments) then spent 16.7 s in the index cursor (jstack) and its 805-record page ran into
// the 30 s write limit. Without the index the plan is Expand(Into) from the bound nodes at every
// graph size: a target's few deployments are read, never an index. BENCHMARKS.md, "One index fewer".
DROP INDEX deployed_to_deployment IF EXISTS;
