/**
 * Every lineage question in one request, and the variables that make its answers non-trivial on
 * the plant scenario (a champion with a base model, raw sensor data): for tests that compare two
 * stacks' answers (Neo4j vs memory, graphql-jit vs graphql-js).
 */
import type { ScenarioTypes } from '@mlops/kit';

export const LINEAGE_QUESTIONS = `query($mv: ID!, $base: ID!, $dv: ID!, $t: ID!, $at: DateTime!) {
  modelVersion(id: $mv) {
    id name
    trainedOn(depth: 2) { depth datasetVersion { id uri } run { id } }
    deployedTo { from trafficPercent target { id project { id } } }
    history: deployedTo(at: $at) { target { id } }
    reusedBy(limit: 50) { truncated entries { kind path modelVersion { id } target { id } } }
  }
  deprecationImpact(modelVersionId: $base, limit: 200) {
    totalTargets truncated
    targets { role target { id } }
    derivedModels { depth modelVersion { id } }
    derivedTargets { role depth target { id } modelVersion { id } }
    byProject { project { id name } owners targets derivedModels derivedTargets }
  }
  datasetVersion(id: $dv) { id usedBy { truncated runs { id } modelVersions { id } targets { id } } }
  releaseTarget(id: $t) { id servedAt(at: $at) { modelVersion { id } } }
  lineage(rootId: $mv, direction: BOTH, depth: 3, maxNodes: 60) { truncated root { id type } nodes { id type label } edges { from to type } }
  notOn: targetsNotOn(modelName: "pump-anomaly-fleet", minVersion: 2, projectId: "pump-anomaly", first: 5) { totalCount nodes { id } }
  counts: targetCountsByDataset(projectId: "motor-vibration", first: 5) { totalCount nodes { targets datasetVersion { id } } }
  old: targetsTrainedOnDataBefore(before: "2026-06-01T00:00:00Z", first: 5) { totalCount nodes { id } }
}`;

export function lineageQuestionVariables(s: ScenarioTypes.Scenario) {
  const own = s.modelVersions.find((m) => m.targetId && m.aliases.includes('champion') && m.derivedFrom)!;
  const raw = s.datasetVersions.find((d) => d.datasetId.startsWith('sensor-logs-'))!;
  return { own, variables: { mv: own.id, base: 'pump-anomaly-base/2', dv: raw.id, t: own.targetId, at: '2026-05-01T00:00:00Z' } };
}
