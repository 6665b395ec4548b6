/** The deployment list filter, one predicate for every inference connector that filters in memory. */
import { inScope, scopeSet } from '../scope.ts';
import type { DeploymentFilterInput, DeploymentModel } from './types.ts';

/** A predicate for `f` (the project scope resolved once, not per row). */
export function deploymentFilter(f: DeploymentFilterInput): (d: DeploymentModel) => boolean {
  const scope = scopeSet(f.projectIds);
  return (d) =>
    inScope(scope, d.projectId) &&
    (!f.activeOnly || d.until === null) &&
    (!f.state || d.state === f.state) &&
    (!f.modelVersionId || d.modelVersionId === f.modelVersionId) &&
    (!f.targetId || d.targetId === f.targetId);
}
