/**
 * Project scope as the connectors take it. Every entity a platform serves belongs to one
 * project (or, for a dataset version shared by several projects, to each of them); a caller
 * limited to some projects must not learn that the others' entities exist. List methods take
 * the scope in their filter (`projectIds`) so the platform pages and counts visible rows only.
 */

/**
 * The projects a request may see: null or undefined for every project, otherwise the ids
 * (possibly none). An entity whose project the platform cannot say (null) is in no limited scope.
 */
export type ProjectScope = readonly string[] | null | undefined;

/** A scope as a Set for repeated checks; null when it covers every project. */
export function scopeSet(scope: ProjectScope): ReadonlySet<string> | null {
  return scope == null ? null : new Set(scope);
}

/** Whether an entity of `projectId` is in scope (an unknown project is only in the unlimited one). */
export function inScope(scope: ReadonlySet<string> | null, projectId: string | null): boolean {
  return scope === null || (projectId !== null && scope.has(projectId));
}

/** Whether an entity of several projects (a shared dataset version) is in scope: any one suffices. */
export function anyInScope(scope: ReadonlySet<string> | null, projectIds: readonly string[]): boolean {
  return scope === null || projectIds.some((p) => scope.has(p));
}

/**
 * An entity reference the subgraph does not own (a target, a model version), as the caller may
 * have it: itself when its project is visible, null otherwise (an unknown project included).
 * `projectOf` is a per-request loader, so a whole `_entities` batch costs one platform call, and
 * only for callers limited to some projects.
 */
export async function refInScope(scope: ReadonlySet<string> | null, id: string, projectOf: (id: string) => Promise<string | null>): Promise<{ id: string } | null> {
  if (scope === null) return { id };
  return inScope(scope, await projectOf(id)) ? { id } : null;
}
