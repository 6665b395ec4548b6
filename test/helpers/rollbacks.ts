/**
 * Changes on the built-in serving platform for sync tests and benches: targets rolled back to a
 * version they served before, stamped after the newest change in the scenario so the change
 * feeds hand exactly these to the next pass.
 */
import type { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import type { getScenario } from '@mlops/kit';

type Scenario = ReturnType<typeof getScenario>;

/** `minutes` after the newest deployment change or target in the scenario. */
export function afterNewestChange(scenario: Scenario, minutes: number): string {
  const newest = [...scenario.deployments.map((d) => d.until ?? d.since), ...scenario.targets.map((t) => t.createdAt)].sort().at(-1)!;
  return new Date(Date.parse(newest) + minutes * 60_000).toISOString();
}

/**
 * Rolls back up to `count` targets, walking the scenario's targets from index `from` and
 * skipping those with no earlier version; returns how many changed and where the walk stopped
 * (to continue from there without touching a target twice).
 */
export async function rollBackTargets(inference: BuiltinInferenceConnector, scenario: Scenario, count: number, at: string, from = 0): Promise<{ changed: number; next: number }> {
  let changed = 0;
  let next = from;
  for (; next < scenario.targets.length && changed < count; next++) {
    const t = scenario.targets[next]!;
    const history = (await inference.deploymentsByTargets([t.id]))[0]!;
    const serving = history.find((d) => d.until === null);
    const before = history.find((d) => serving && d.modelVersionId !== serving.modelVersionId);
    if (!serving || !before) continue;
    await inference.deploy({ targetId: t.id, modelVersionId: before.modelVersionId, strategy: 'ROLLBACK', at });
    changed++;
  }
  return { changed, next };
}
