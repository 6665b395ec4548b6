/**
 * The data catalog over OpenLineage: reads what the lineage subgraph's intake
 * (`POST /api/v1/lineage`) learned from RunEvents and stored in Neo4j under the `OL*` labels
 * (neo4j/migrations/0004_openlineage.cypher). Read-only Cypher through this package's own reader
 * (neo4j-reader.ts), so the catalog subgraph never imports lineage code; the two meet only in the
 * store's shape, which the intake's builders (subgraphs/lineage/src/cypher/openlineage.ts) write.
 *
 * From the events: a dataset version `<name>@<version>` (DatasetVersionDatasetFacet; the same id
 * shape as MLflow's `name@digest`, so both platforms name one version alike), its schema
 * (SchemaDatasetFacet), owner (OwnershipDatasetFacet, first owner), row count (outputStatistics),
 * producer job `namespace/name` and creation time (the COMPLETE event that wrote it), derivedFrom
 * (a COMPLETE run's outputs derive from its inputs); from the `mlops_catalog` facet, what no
 * standard facet carries: kind, project, version number, uri, full digest. Without them: version
 * number = rank by creation, uri = `namespace/name`, digest = the version.
 *
 * Projects using a version: its own project and, along derived-from, every project owning a
 * version derived from it (the built-in catalog's rule; training runs' inputs are not OpenLineage
 * events here, so a project that only consumed a version does not count).
 */
import { offsetOf, type Page, type PageRequest } from '@mlops/kit';
import type { ProjectScope } from '../scope.ts';
import { Neo4jReader, type Neo4jReadConfig, type ReadQuery } from './neo4j-reader.ts';
import type { CatalogConnector, DatasetFilterInput, DatasetKind, DatasetModel, DatasetVersionFilterInput, DatasetVersionModel } from './types.ts';

const MAX_DERIVED_DEPTH = 20;

/** A version's row (Cypher fragment: no values, only the bound `v` and optional `ds`). */
const VERSION_ROW = `{
  id: v.id, datasetId: v.datasetId,
  versionNumber: coalesce(v.versionNumber, COUNT { MATCH (o:OLDatasetVersion {datasetId: v.datasetId}) WHERE o.createdAt <= v.createdAt }),
  uri: coalesce(v.uri, v.namespace + '/' + v.datasetId), digest: coalesce(v.digest, v.version),
  schemaJson: v.schemaJson, rowCount: coalesce(v.rowCount, 0), owner: coalesce(v.owner, ds.owner, ''),
  createdAt: v.createdAt, producer: v.producer,
  derivedFrom: COLLECT { MATCH (v)-[:DERIVED_FROM]->(u:OLDatasetVersion) RETURN u.id },
  projectIds: COLLECT { MATCH (d:OLDatasetVersion)-[:DERIVED_FROM*0..${MAX_DERIVED_DEPTH}]->(v) WHERE d.projectId IS NOT NULL RETURN DISTINCT d.projectId }
}`;
const DATASET_ROW = `{
  id: ds.id, name: ds.name, kind: ds.kind, owner: coalesce(ds.owner, ''), description: ds.description,
  projectIds: [p IN [ds.projectId] WHERE p IS NOT NULL] + COLLECT { MATCH (d:OLDatasetVersion)-[:DERIVED_FROM*0..${MAX_DERIVED_DEPTH}]->(:OLDatasetVersion)-[:VERSION_OF]->(ds) WHERE d.projectId IS NOT NULL RETURN DISTINCT d.projectId }
}`;
const IN_SCOPE = `($scope IS NULL OR any(p IN row.projectIds WHERE p IN $scope))`;
const PAGE = `WITH collect(row) AS rows RETURN size(rows) AS total, rows[$skip..$skip + $limit] AS items`;

/** Pure builders of the connector's read queries. */
export const Q = {
  versionsByIds: (ids: readonly string[]): ReadQuery => ({
    cypher: `UNWIND range(0, size($ids) - 1) AS i
MATCH (v:OLDatasetVersion {id: $ids[i]})
OPTIONAL MATCH (v)-[:VERSION_OF]->(ds:OLDataset)
RETURN i, ${VERSION_ROW} AS row`,
    params: { ids },
  }),
  listVersions: (datasetId: string, scope: ProjectScope, skip: number, limit: number): ReadQuery => ({
    cypher: `MATCH (v:OLDatasetVersion {datasetId: $datasetId})
OPTIONAL MATCH (v)-[:VERSION_OF]->(ds:OLDataset)
WITH v, ${VERSION_ROW} AS row
WHERE ${IN_SCOPE}
WITH row ORDER BY v.createdAt DESC, v.id
${PAGE}`,
    params: { datasetId, scope: scope ?? null, skip, limit },
  }),
  changed: (since: string | null, skip: number, limit: number): ReadQuery => ({
    cypher: `MATCH (v:OLDatasetVersion) WHERE $since IS NULL OR v.createdAt >= $since
OPTIONAL MATCH (v)-[:VERSION_OF]->(ds:OLDataset)
WITH v, ${VERSION_ROW} AS row
WITH row ORDER BY v.createdAt, v.id
${PAGE}`,
    params: { since, skip, limit },
  }),
  latest: (datasetIds: readonly string[], scope: ProjectScope): ReadQuery => ({
    cypher: `UNWIND range(0, size($ids) - 1) AS i
MATCH (v:OLDatasetVersion {datasetId: $ids[i]})
OPTIONAL MATCH (v)-[:VERSION_OF]->(ds:OLDataset)
WITH i, v, ${VERSION_ROW} AS row
WHERE ${IN_SCOPE}
WITH i, row ORDER BY v.createdAt DESC, v.id
RETURN i, collect(row)[0] AS row`,
    params: { ids: datasetIds, scope: scope ?? null },
  }),
  datasetsByIds: (ids: readonly string[]): ReadQuery => ({
    cypher: `UNWIND range(0, size($ids) - 1) AS i
MATCH (ds:OLDataset {id: $ids[i]})
RETURN i, ${DATASET_ROW} AS row`,
    params: { ids },
  }),
  listDatasets: (f: DatasetFilterInput, skip: number, limit: number): ReadQuery => ({
    cypher: `MATCH (ds:OLDataset)
WHERE ($kind IS NULL OR ds.kind = $kind) AND ($owner IS NULL OR ds.owner = $owner) AND ($search IS NULL OR toLower(ds.name) CONTAINS $search)
WITH ds, ${DATASET_ROW} AS row
WHERE ${IN_SCOPE}
WITH row ORDER BY ds.name, ds.id
${PAGE}`,
    params: { kind: f.kind ?? null, owner: f.owner ?? null, search: f.search ? f.search.toLowerCase() : null, scope: f.projectIds ?? null, skip, limit },
  }),
};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const uniqSorted = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string'))].sort(cmp);

function toVersion(r: Record<string, any>): DatasetVersionModel {
  return {
    id: r.id,
    datasetId: r.datasetId,
    version: r.versionNumber,
    uri: r.uri,
    digest: r.digest,
    schema: r.schemaJson ? (JSON.parse(r.schemaJson) as { name: string; type: string }[]) : [],
    rowCount: r.rowCount,
    owner: r.owner,
    createdAt: r.createdAt,
    producer: r.producer ?? null,
    derivedFrom: uniqSorted(r.derivedFrom),
    projectIds: uniqSorted(r.projectIds),
  };
}

function toDataset(r: Record<string, any>): DatasetModel {
  return {
    id: r.id,
    name: r.name,
    kind: (r.kind ?? 'RAW') as DatasetKind,
    owner: r.owner,
    description: r.description ?? null,
    projectIds: uniqSorted(r.projectIds),
  };
}

function byIndex<T>(n: number, rows: Record<string, any>[], map: (r: Record<string, any>) => T): (T | null)[] {
  const out: (T | null)[] = Array.from({ length: n }, () => null);
  for (const r of rows) if (r.row) out[r.i as number] = map(r.row);
  return out;
}

/** A `RETURN total, items` row as a Page with offset tokens (the built-in catalog's tokens). */
function pageOfRow<T>(row: Record<string, any> | undefined, skip: number, map: (r: Record<string, any>) => T): Page<T> {
  const items = ((row?.items as Record<string, any>[]) ?? []).map(map);
  const total = (row?.total as number) ?? 0;
  return { items, totalCount: total, tokens: items.map((_, i) => String(skip + i + 1)), hasNextPage: skip + items.length < total };
}

export class OpenLineageCatalogConnector implements CatalogConnector {
  readonly platform = 'catalog';
  private readonly reader: Neo4jReader;

  constructor(config: Neo4jReadConfig) {
    this.reader = new Neo4jReader(config, 'catalog');
  }

  async getDatasets(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return byIndex(ids.length, await this.reader.read(Q.datasetsByIds(ids)), toDataset);
  }

  async getDatasetVersions(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return byIndex(ids.length, await this.reader.read(Q.versionsByIds(ids)), toVersion);
  }

  async listDatasets(filter: DatasetFilterInput, page: PageRequest) {
    const skip = offsetOf(page);
    const [row] = await this.reader.read(Q.listDatasets(filter, skip, page.first));
    return pageOfRow(row, skip, toDataset);
  }

  async listVersions(filter: DatasetVersionFilterInput, page: PageRequest) {
    const skip = offsetOf(page);
    const [row] = await this.reader.read(Q.listVersions(filter.datasetId, filter.projectIds, skip, page.first));
    return pageOfRow(row, skip, toVersion);
  }

  async changedDatasetVersions(since: string | null, page: PageRequest) {
    const skip = offsetOf(page);
    const [row] = await this.reader.read(Q.changed(since, skip, page.first));
    return pageOfRow(row, skip, toVersion);
  }

  async latestVersions(datasetIds: readonly string[], scope: { projectIds?: ProjectScope } = {}) {
    if (datasetIds.length === 0) return [];
    return byIndex(datasetIds.length, await this.reader.read(Q.latest(datasetIds, scope.projectIds)), toVersion);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
