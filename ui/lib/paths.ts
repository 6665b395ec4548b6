/** Links to the explorer's pages. Ids may hold slashes (`plant-a/line-3/pump-017`): each segment is encoded. */
const seg = (id: string) => id.split('/').map(encodeURIComponent).join('/');

export const href = {
  projects: () => '/',
  project: (id: string) => `/projects/${encodeURIComponent(id)}`,
  target: (id: string) => `/targets/${seg(id)}`,
  model: (id: string) => `/models/${seg(id)}`,
  release: (id: string) => `/releases/${encodeURIComponent(id)}`,
  deprecation: (id: string) => `/deprecations/${encodeURIComponent(id)}`,
  lineage: (rootId: string) => `/lineage?root=${encodeURIComponent(rootId)}`,
  auditRelease: (id: string) => `/audit?release=${encodeURIComponent(id)}`,
  auditTarget: (id: string) => `/audit?target=${encodeURIComponent(id)}`,
  inbox: () => '/inbox',
  search: (q?: string) => (q ? `/search?q=${encodeURIComponent(q)}` : '/search'),
  signIn: (next?: string) => (next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'),
};

/** Joins a catch-all route's segments back into an id. */
export function joinSegments(parts: string[] | undefined): string {
  return (parts ?? [])
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    })
    .join('/');
}
