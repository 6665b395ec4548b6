/**
 * Read queries for the lineage questions. Pure builders: every value is a parameter; the
 * variable-length bounds are allow-listed integers and the relationship types of a lineage
 * step come from a fixed table per direction.
 */
import { TARGET_SORT_KEYS, type ReleaseTargetModel, type TargetOrder, type TargetSortKey } from '../store/types.ts';
import { bound, cy, type Query } from './query.ts';

/** Live at an instant, or live now when $at is null. Used for every DEPLOYED_TO filter. */
const live = (r: string) => `(($at IS NULL AND ${r}.to IS NULL) OR ($at IS NOT NULL AND ${r}.from <= $at AND (${r}.to IS NULL OR ${r}.to > $at)))`;
const liveNow = (r: string) => `${r}.to IS NULL`;
/** A target as a map: the impact's derived-target rows, which impact summaries store in this shape. */
const targetMap = 't{.id, .name, .projectId, .plant, .line, .environment}';
/**
 * A target as a list in this order, for lists of targets (pages, lookups by id): a map
 * carries its six keys once per target, and Neo4j packs and the driver decodes them every time.
 * On a fresh server's first 16,000 flagship pages this and the static sort key of listTargets
 * cost Neo4j 1.34 instead of 1.59 ms and the lineage process 0.39 instead of 0.48 ms per page
 * (BENCHMARKS.md, "Neo4j's share of the flagship", 2026-11-25). Read back with `targetFromRow`.
 */
const targetList = '[t.id, t.name, t.projectId, t.plant, t.line, t.environment]';

/** A `targetList` as the target it describes. */
export function targetFromRow(r: readonly string[]): ReleaseTargetModel {
  return { id: r[0]!, name: r[1]!, projectId: r[2]!, plant: r[3]!, line: r[4]!, environment: r[5]! };
}

export const MAX_HOPS = 6;

export const projectsByIds = (ids: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $ids AS id
    MATCH (p:Project {id: id}) WHERE p.name IS NOT NULL
    RETURN p{.id, .name, .description, .plant, .owners} AS p`,
  params: { ids },
});

export const listProjects = (skip: number, limit: number): Query => ({
  cypher: cy`
    MATCH (p:Project) WHERE p.name IS NOT NULL
    WITH p ORDER BY p.name, p.id
    WITH collect(p{.id, .name, .description, .plant, .owners}) AS rows
    RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS items`,
  params: { skip, limit },
});

export const targetsByIds = (ids: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $ids AS id
    MATCH (t:ReleaseTarget {id: id}) WHERE t.name IS NOT NULL
    RETURN ${targetList} AS t`,
  params: { ids },
});

export interface TargetFilterParams {
  projectId: string | null;
  projectIds: string[] | null;
  line: string | null;
  plant: string | null;
  search: string | null;
}

/**
 * Only the filters that are set, so the planner can seek the projectId index: written as
 * `($projectId IS NULL OR t.projectId = $projectId)` every page scanned every target of every
 * project. The text varies only by which filters are set; every value stays a parameter (a
 * field of the page row `pg`).
 */
const targetWhere = (f: TargetFilterParams): string =>
  [
    't.name IS NOT NULL',
    f.projectId != null ? 't.projectId = pg.projectId' : '',
    f.projectIds != null ? 't.projectId IN pg.projectIds' : '',
    f.line != null ? 't.line = pg.line' : '',
    f.plant != null ? 't.plant = pg.plant' : '',
    f.search != null ? 'toLower(t.id) CONTAINS pg.search' : '',
  ]
    .filter(Boolean)
    .join(' AND ');

/**
 * The property each sort key orders by, as Cypher text from this table (never from the input):
 * `t[$sortKey]` kept the key a parameter, but a dynamic property read costs Neo4j more per
 * target than a static one, on every page of the flagship query.
 */
const SORT_PROPERTY: Readonly<Record<string, string>> = Object.freeze({ id: 't.id', name: 't.name', line: 't.line', plant: 't.plant' } satisfies Record<TargetSortKey, string>);

/** One page of `listTargets`: its filters (null: not set), offset and size. */
export interface TargetPageParams extends TargetFilterParams {
  skip: number;
  limit: number;
}

/** The ORDER BY text of a sort key, from the table above; a RangeError for any other key. */
function targetOrderBy(order: TargetOrder): string {
  const property = Object.hasOwn(SORT_PROPERTY, order.key) ? SORT_PROPERTY[order.key] : undefined;
  if (!property) throw new RangeError(`sort key must be one of ${TARGET_SORT_KEYS.join(', ')}`);
  return `${property} ${order.descending ? 'DESC' : 'ASC'}${order.key === 'id' ? '' : ', t.id'}`;
}

/**
 * The part of `listTargets`' text a page decides: which filters it sets, and its order. Pages
 * of one statement share it; the store groups the pages it batches by it.
 */
export const targetPageShape = (page: TargetFilterParams, order: TargetOrder): string => `${targetWhere(page)} ORDER BY ${targetOrderBy(order)}`;

/**
 * Pages of targets, one result row per page (`i`: the page's index in `pages`), in one
 * statement: the lineage store sends the flagship pages that arrive together as one query
 * (`Neo4jLineageStore.listTargets`). All pages must have the same `targetPageShape`. The sort
 * property and the direction keyword are text, from the two tables above; every value is a
 * parameter. Every matching target is counted and sorted, but only the page's are projected.
 * OPTIONAL: a page that matches nothing still gives its row (total 0), which grouping by `pg`
 * would drop.
 */
export const listTargets = (pages: readonly TargetPageParams[], order: TargetOrder = { key: 'id', descending: false }): Query => {
  const orderBy = targetOrderBy(order);
  const shape = pages[0] && targetPageShape(pages[0], order);
  if (shape === undefined || pages.some((p) => targetPageShape(p, order) !== shape)) throw new RangeError('listTargets needs one or more pages that set the same filters');
  return {
  cypher: cy`
    UNWIND $pages AS pg
    CALL {
      WITH pg
      OPTIONAL MATCH (t:ReleaseTarget) WHERE ${targetWhere(pages[0]!)}
      WITH pg, t ORDER BY ${orderBy}
      WITH pg, collect(t) AS ts
      RETURN size(ts) AS total, [t IN ts[pg.skip..(pg.skip + pg.limit)] | ${targetList}] AS items
    }
    RETURN pg.i AS i, total, items`,
  params: { pages: pages.map((p, i) => ({ ...p, i, search: p.search?.toLowerCase() ?? null })) },
  };
};

export const trainedOn = (ids: readonly string[], depth: number): Query => ({
  cypher: cy`
    UNWIND $ids AS mid
    MATCH (:ModelVersion {id: mid})<-[:PRODUCED]-(r:TrainingRun)-[:CONSUMED]->(d0:DatasetVersion)
    MATCH p = (d0)-[:DERIVED_FROM*0..${bound(depth, 0, MAX_HOPS, 'depth')}]->(d:DatasetVersion)
    WITH mid, d.id AS dv, length(p) AS depth, r.id AS run
    ORDER BY depth, run
    WITH mid, dv, collect({depth: depth, run: run})[0] AS best
    RETURN mid, dv AS datasetVersionId, best.depth AS depth, best.run AS runId
    ORDER BY mid, depth, datasetVersionId`,
  params: { ids },
});

const spanReturn = `r.deploymentId AS deploymentId, m.id AS modelVersionId, t.id AS targetId, r.from AS from, r.to AS to,
    r.trafficPercent AS trafficPercent, r.state AS state`;

export const deployedTo = (ids: readonly string[], at: string | null): Query => ({
  cypher: cy`
    UNWIND $ids AS key
    MATCH (m:ModelVersion {id: key})-[r:DEPLOYED_TO]->(t:ReleaseTarget)
    WHERE ${live('r')}
    RETURN key, ${spanReturn}
    ORDER BY key, targetId, from`,
  params: { ids, at },
});

export const servedAt = (ids: readonly string[], at: string | null): Query => ({
  cypher: cy`
    UNWIND $ids AS key
    MATCH (m:ModelVersion)-[r:DEPLOYED_TO]->(t:ReleaseTarget {id: key})
    WHERE ${live('r')}
    RETURN key, ${spanReturn}
    ORDER BY key, trafficPercent DESC, modelVersionId`,
  params: { ids, at },
});

/**
 * Who reuses each model version (key order by `i`), at most `limit` rows per root: the limit
 * sits inside the per-root subquery, so one wide root cannot starve the others.
 */
export const reusedBy = (ids: readonly string[], limit: number): Query => ({
  cypher: cy`
    UNWIND range(0, size($ids) - 1) AS i
    WITH i, $ids[i] AS id
    MATCH (root:ModelVersion {id: id})
    CALL {
      WITH root
      CALL {
        WITH root
        MATCH (root)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
        RETURN 0 AS rank, 'SAME_VERSION' AS kind, root.id AS mv, t.id AS target, [root.id, t.id] AS path
        UNION
        WITH root
        MATCH p = (d:ModelVersion)-[:DERIVED_FROM*1..${MAX_HOPS}]->(root)
        OPTIONAL MATCH (d)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
        RETURN 1 AS rank, 'DERIVED_MODEL' AS kind, d.id AS mv, t.id AS target,
               reverse([n IN nodes(p) | n.id]) + CASE WHEN t IS NULL THEN [] ELSE [t.id] END AS path
        UNION
        WITH root
        MATCH (root)<-[:PRODUCED]-(r0:TrainingRun)-[:CONSUMED]->(dv:DatasetVersion)<-[:CONSUMED]-(r2:TrainingRun)-[:PRODUCED]->(m2:ModelVersion)
        WHERE r2 <> r0 AND m2 <> root
        WITH root, m2, dv, r0, r2 ORDER BY dv.id, r0.id, r2.id
        WITH root, m2, collect([dv.id, r0.id, r2.id])[0] AS best
        OPTIONAL MATCH (m2)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
        RETURN 2 AS rank, 'SHARED_DATA' AS kind, m2.id AS mv, t.id AS target,
               [root.id, best[1], best[0], best[2], m2.id] + CASE WHEN t IS NULL THEN [] ELSE [t.id] END AS path
      }
      RETURN rank, kind, mv, target, path
      ORDER BY rank, mv, coalesce(target, '')
      LIMIT $limit
    }
    RETURN i, kind, mv AS modelVersionId, target AS targetId, path
    ORDER BY i, rank, modelVersionId, coalesce(targetId, '')`,
  params: { ids, limit },
});

/**
 * The shape of an impact summary's rows (the three walking queries' columns). A summary of
 * another shape, stored by an older or newer version of this code, is not used.
 */
export const IMPACT_SUMMARY_FORMAT = 2;

/**
 * The deprecation-impact queries for many model versions, run together in one read
 * transaction; every row carries its `key` (the model version asked about).
 */
export const impact = {
  /**
   * With the version's impact summary (the rows of derived, derivedTargets and derivedProjects,
   * stored by the store's refresh as JSON) and its revision, when that is the version's current
   * impact revision, i.e. no write changed the version's derived tree since it was computed
   * (writes.ts bumpImpact); null otherwise. `held`: the summaries (revision by key) the caller
   * already holds parsed; their rows are not sent again.
   */
  root: (ids: readonly string[], held: Readonly<Record<string, number>> = {}): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      MATCH (m:ModelVersion {id: key})
      OPTIONAL MATCH (s:ImpactSummary {modelVersionId: key}) WHERE s.rev = coalesce(m.impactRev, 0) AND s.format = $format
      RETURN key, m.projectId AS projectId, s.rev AS summaryRev, CASE WHEN $held[key] = s.rev THEN null ELSE s.rows END AS summary`,
    params: { ids, held, format: IMPACT_SUMMARY_FORMAT },
  }),
  /** The impact revision a refresh reads before it walks (writes.ts storeImpactSummary). */
  revision: (ids: readonly string[]): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      MATCH (m:ModelVersion {id: key})
      RETURN key, coalesce(m.impactRev, 0) AS rev`,
    params: { ids },
  }),
  own: (ids: readonly string[]): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      MATCH (:ModelVersion {id: key})-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
      RETURN DISTINCT key, t.id AS targetId, t.projectId AS projectId, CASE s.state WHEN 'CANARY' THEN 'CANARY' ELSE 'SERVING' END AS role`,
    params: { ids },
  }),
  rollback: (ids: readonly string[]): Query => ({
    // The rollback candidate of a target: the newest ended span whose model is not serving it now.
    cypher: cy`
      UNWIND $ids AS key
      MATCH (m:ModelVersion {id: key})-[:DEPLOYED_TO]->(t:ReleaseTarget)
      WITH DISTINCT key, m, t
      WHERE NOT EXISTS { MATCH (m)-[x:DEPLOYED_TO]->(t) WHERE x.to IS NULL }
      CALL {
        WITH t
        MATCH (c:ModelVersion)-[e:DEPLOYED_TO]->(t)
        WHERE e.to IS NOT NULL AND NOT EXISTS { MATCH (c)-[y:DEPLOYED_TO]->(t) WHERE y.to IS NULL }
        RETURN c.id AS candidate ORDER BY e.to DESC, e.from DESC, e.deploymentId DESC LIMIT 1
      }
      WITH key, t, candidate WHERE candidate = key
      RETURN key, t.id AS targetId, t.projectId AS projectId, 'ROLLBACK' AS role`,
    params: { ids },
  }),
  // derivedTargets also returns each target as targetsByIds would (null: not described yet), so
  // the resolvers need no second read for them (a fleet base model names 1,000).
  // derived and derivedTargets return at most `lim` rows per key (the store asks for limit + 1 to
  // know whether it cut): a fleet base model at 30,000 targets has 17,000 derived paths and 6,400
  // serving targets, and shipping them all to be cut to 1,000 in JavaScript was most of its
  // 400 ms. The projects they touch, which the answer needs in full, come from `derivedProjects`.
  derived: (ids: readonly string[], lim: number): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      CALL {
        WITH key
        MATCH p = (d:ModelVersion)-[:DERIVED_FROM*1..${MAX_HOPS}]->(:ModelVersion {id: key})
        WITH d, p, length(p) AS depth ORDER BY depth, d.id LIMIT $lim
        RETURN d.id AS modelVersionId, depth, reverse([n IN nodes(p) | n.id]) AS path, d.projectId AS projectId
      }
      RETURN key, modelVersionId, depth, path, projectId`,
    params: { ids, lim },
  }),
  derivedTargets: (ids: readonly string[], lim: number): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      CALL {
        WITH key
        MATCH p = (d:ModelVersion)-[:DERIVED_FROM*1..${MAX_HOPS}]->(:ModelVersion {id: key})
        MATCH (d)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
        WITH DISTINCT t, d.id AS modelVersionId, length(p) AS depth,
             CASE s.state WHEN 'CANARY' THEN 'CANARY' ELSE 'SERVING' END AS role
        ORDER BY t.id, modelVersionId LIMIT $lim
        RETURN t.id AS targetId, t.projectId AS projectId, modelVersionId, depth, role,
               CASE WHEN t.name IS NULL THEN null ELSE ${targetMap} END AS target
      }
      RETURN key, targetId, projectId, modelVersionId, depth, role, target`,
    params: { ids, lim },
  }),
  /**
   * Not cut, one row per key: the targets serving a derived model grouped by their project
   * (null: derived models serving nothing, or bare targets) with how many distinct targets and
   * derived models, and the projects of those derived models; then, only when some derived
   * model serves, which of those targets the version itself was deployed to (so a target both
   * its own and derived-serving is counted once). The answer lists every project and counts
   * everything, also when its lists are cut. 79 instead of 62 ms for a fleet base model at
   * 30,000 targets (17,145 derived models); a version without serving heirs skips the check.
   */
  derivedProjects: (ids: readonly string[]): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      CALL {
        WITH key
        MATCH (root:ModelVersion {id: key})
        OPTIONAL MATCH (d:ModelVersion)-[:DERIVED_FROM*1..${MAX_HOPS}]->(root)
        WITH DISTINCT root, d
        OPTIONAL MATCH (d)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
        WITH root, t.projectId AS projectId, collect(DISTINCT d.projectId) AS modelProjects, count(DISTINCT t) AS targets,
             count(DISTINCT CASE WHEN t IS NULL THEN null ELSE d END) AS models
        WITH root, collect({projectId: projectId, modelProjects: modelProjects, targets: targets, models: models}) AS groups, sum(targets) AS serving
        CALL {
          WITH root, serving
          WITH root WHERE serving > 0
          MATCH (root)-[:DEPLOYED_TO]->(t:ReleaseTarget)<-[s:DEPLOYED_TO]-(x:ModelVersion)
          WHERE ${liveNow('s')} AND x <> root AND EXISTS { MATCH (x)-[:DERIVED_FROM*1..${MAX_HOPS}]->(root) }
          RETURN collect(DISTINCT t.id) AS touched
        }
        RETURN groups, touched
      }
      RETURN key, groups, touched`,
    params: { ids },
  }),
  pending: (ids: readonly string[]): Query => ({
    cypher: cy`
      UNWIND $ids AS key
      MATCH (r:Release)-[:OF]->(:ModelVersion {id: key})
      WHERE r.status IN ['PENDING_APPROVAL', 'APPROVED', 'ROLLING_OUT']
      OPTIONAL MATCH (r)-[:TO]->(t:ReleaseTarget)
      WITH key, r, t ORDER BY t.id
      RETURN key, r.id AS releaseId, r.status AS status, collect(t.id) AS targetIds
      ORDER BY key, releaseId`,
    params: { ids },
  }),
};

export const usedBy = (ids: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $ids AS did
    MATCH (dv:DatasetVersion {id: did})
    MATCH (x:DatasetVersion)-[:DERIVED_FROM*0..${MAX_HOPS}]->(dv)
    WITH did, collect(DISTINCT x) AS ds
    CALL {
      WITH ds
      UNWIND ds AS x
      MATCH (r:TrainingRun)-[:CONSUMED]->(x)
      RETURN collect(DISTINCT r) AS runs
    }
    CALL {
      WITH runs
      UNWIND runs AS r
      MATCH (r)-[:PRODUCED]->(:ModelVersion)<-[:DERIVED_FROM*0..${MAX_HOPS}]-(m:ModelVersion)
      RETURN collect(DISTINCT m) AS models
    }
    CALL {
      WITH models
      UNWIND models AS m
      MATCH (m)-[s:DEPLOYED_TO]->(t:ReleaseTarget) WHERE ${liveNow('s')}
      RETURN collect(DISTINCT t.id) AS targets
    }
    RETURN did, [r IN runs | r.id] AS runIds, [m IN models | m.id] AS modelVersionIds, targets AS targetIds`,
  params: { ids },
});

/** Each id's node whatever its label (key order by `i`; ids missing from the graph have no row). */
export const nodesByIds = (ids: readonly string[]): Query => ({
  cypher: cy`
    UNWIND range(0, size($ids) - 1) AS i
    WITH i, $ids[i] AS id
    CALL {
      WITH id
      MATCH (n:Entity {id: id})
      RETURN n LIMIT 1
    }
    RETURN i, n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS type, n.name AS name
    ORDER BY i`,
  params: { ids },
});

/**
 * One lineage step. Downstream follows data → run → model → target → project: outgoing
 * PRODUCED, DEPLOYED_TO, IN_PROJECT and incoming CONSUMED, DERIVED_FROM, VERSION_OF; upstream
 * is the reverse. The two patterns are fixed text, chosen by the direction allow-list.
 */
const STEP = {
  DOWNSTREAM: { out: 'PRODUCED|DEPLOYED_TO|IN_PROJECT', in: 'CONSUMED|DERIVED_FROM|VERSION_OF' },
  UPSTREAM: { out: 'CONSUMED|DERIVED_FROM|VERSION_OF', in: 'PRODUCED|DEPLOYED_TO|IN_PROJECT' },
} as const;

/**
 * One lineage step for several independent frontiers (one per walk, key order by `g`): each
 * group keeps at most `limit` edges of its own, exactly as if it had been asked alone.
 */
export const expand = (groups: readonly (readonly string[])[], direction: 'UPSTREAM' | 'DOWNSTREAM', at: string | null, limit: number): Query => {
  const step = STEP[direction];
  if (!step) throw new RangeError(`direction must be UPSTREAM or DOWNSTREAM`);
  return {
    cypher: cy`
      UNWIND range(0, size($groups) - 1) AS g
      CALL {
        WITH g
        UNWIND $groups[g] AS nid
        MATCH (n:Entity {id: nid})
        CALL {
          WITH n
          MATCH (n)-[r:${step.out}]->(m) RETURN r, m
          UNION
          WITH n
          MATCH (n)<-[r:${step.in}]-(m) RETURN r, m
        }
        WITH r, m WHERE type(r) <> 'DEPLOYED_TO' OR ${live('r')}
        WITH DISTINCT startNode(r).id AS from, endNode(r).id AS to, type(r) AS type,
             CASE type(r) WHEN 'DEPLOYED_TO' THEN r.from ELSE null END AS since,
             CASE type(r) WHEN 'DEPLOYED_TO' THEN r.to ELSE null END AS until,
             m.id AS otherId, [l IN labels(m) WHERE l <> 'Entity'][0] AS otherType, m.name AS otherName
        RETURN from, to, type, since, until, otherId, otherType, otherName
        ORDER BY from, type, to, since
        LIMIT $limit
      }
      RETURN g, from, to, type, since, until, otherId, otherType, otherName
      ORDER BY g, from, type, to, since`,
    params: { groups, at, limit },
  };
};

export const targetsNotOn = (name: string, minVersion: number, projectId: string | null, skip: number, limit: number): Query => ({
  cypher: cy`
    MATCH (t:ReleaseTarget) WHERE t.name IS NOT NULL${projectId != null ? ' AND t.projectId = $projectId' : ''}
      AND NOT EXISTS { MATCH (m:ModelVersion)-[s:DEPLOYED_TO]->(t) WHERE ${liveNow('s')} AND m.name = $name AND m.version >= $minVersion }
    WITH t ORDER BY t.id
    WITH collect(t) AS ts
    RETURN size(ts) AS total, [t IN ts[$skip..($skip + $limit)] | ${targetList}] AS items`,
  params: { name, minVersion, projectId, skip, limit },
});

export const targetCountsByDataset = (projectId: string | null, skip: number, limit: number): Query => ({
  cypher: cy`
    MATCH (dv:DatasetVersion)<-[:CONSUMED]-(:TrainingRun)-[:PRODUCED]->(:ModelVersion)-[s:DEPLOYED_TO]->(t:ReleaseTarget)
    WHERE ${liveNow('s')} AND ($projectId IS NULL OR t.projectId = $projectId)
    WITH dv.id AS datasetVersionId, count(DISTINCT t) AS targets
    ORDER BY targets DESC, datasetVersionId
    WITH collect({datasetVersionId: datasetVersionId, targets: targets}) AS rows
    RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS items`,
  params: { projectId, skip, limit },
});

export const targetsTrainedOnDataBefore = (before: string, projectId: string | null, skip: number, limit: number): Query => ({
  cypher: cy`
    MATCH (m:ModelVersion)-[s:DEPLOYED_TO]->(t:ReleaseTarget)
    WHERE ${liveNow('s')} AND t.name IS NOT NULL${projectId != null ? ' AND t.projectId = $projectId' : ''}
    MATCH (m)<-[:PRODUCED]-(:TrainingRun)-[:CONSUMED]->(dv:DatasetVersion)
    WITH t, max(dv.createdAt) AS newest
    WHERE newest < $before
    WITH t ORDER BY t.id
    WITH collect(t) AS ts
    RETURN size(ts) AS total, [t IN ts[$skip..($skip + $limit)] | ${targetList}] AS items`,
  params: { before, projectId, skip, limit },
});


/** Nodes only, from Neo4j's count store (one label): no scan, whatever the graph's size. */
export const entityCount = (): Query => ({ cypher: 'MATCH (n:Entity) RETURN count(n) AS nodes', params: {} });

export const counts = (): Query => ({
  cypher: cy`
    CALL { MATCH (n:Entity) RETURN count(n) AS nodes }
    CALL { MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS relationships }
    RETURN nodes, relationships`,
  params: {},
});

export const freshness = (platforms: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $platforms AS platform
    OPTIONAL MATCH (s:SyncState {platform: platform})
    CALL { WITH platform MATCH (n:Entity) WHERE n.source = platform RETURN count(n) AS nodes }
    RETURN platform, s.watermark AS watermark, s.lastSyncAt AS lastSyncAt, nodes`,
  params: { platforms },
});

export const watermarks = (platforms: readonly string[]): Query => ({
  cypher: cy`
    UNWIND $platforms AS platform
    OPTIONAL MATCH (s:SyncState {platform: platform})
    RETURN platform, s.watermark AS watermark`,
  params: { platforms },
});
