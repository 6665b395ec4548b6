/**
 * Project scope of the four platform subgraphs, through the real stack (gateway, every subgraph
 * over HTTP, lineage on Neo4j): an access matrix over every root field and every list field of
 * training, catalog, inference and monitoring, enumerated from their schema.graphql files so a
 * new field fails here until the matrix covers it; and every entity they resolve by reference,
 * sent to each subgraph as the gateway would (`_entities` with a signed caller).
 *
 * A caller scoped to pump-anomaly sees pump-anomaly's ids and nothing else (root lists exactly
 * the scenario's own-project entities, with matching totals); a caller on '*' sees
 * motor-vibration's too, which proves every query here can return another project's data.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLER_HEADER, signCaller, type Identity, type Role } from '@mlops/kit';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';

const PLATFORM_SUBGRAPHS = ['training', 'catalog', 'inference', 'monitoring'] as const;
const A = 'pump-anomaly';
const B = 'motor-vibration';

// ---- what the schemas declare --------------------------------------------------------------

const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
const isList = (t: TypeNode): boolean => t.kind === Kind.LIST_TYPE || (t.kind === Kind.NON_NULL_TYPE && isList(t.type));

/** `subgraph:Query.field` roots, `subgraph:Type.field` lists and connections, `subgraph:Type` entities. */
function surface() {
  const roots: string[] = [];
  const lists: string[] = [];
  const entities: string[] = [];
  for (const sg of PLATFORM_SUBGRAPHS) {
    const doc = parse(readFileSync(new URL(`../../subgraphs/${sg}/schema.graphql`, import.meta.url), 'utf8'));
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const type = def.name.value;
      const key = def.directives?.find((d) => d.name.value === 'key');
      const unresolvable = key?.arguments?.some((a) => a.name.value === 'resolvable' && a.value.kind === Kind.BOOLEAN && !a.value.value);
      if (key && !unresolvable) entities.push(`${sg}:${type}`);
      // A connection's edges and nodes are the list of the field that returns the connection.
      if (/(Connection|Edge)$/.test(type)) continue;
      for (const f of def.fields ?? []) {
        const id = `${sg}:${type}.${f.name.value}`;
        if (type === 'Query' || type === 'Mutation') roots.push(id);
        else if (isList(f.type) || named(f.type).endsWith('Connection')) lists.push(id);
      }
    }
  }
  return { roots, lists, entities };
}

/**
 * Lists of a visible entity's own values (no entity of any project in them): the case that
 * reaches their parent covers them.
 */
const VALUE_LISTS = [
  'training:ModelVersion.aliases',
  'training:ModelVersion.tags',
  'training:ModelVersion.metrics',
  'training:TrainingRun.params',
  'training:TrainingRun.metrics',
  'training:MetricComparison.values',
  'training:MetricComparison.deltas',
  'catalog:DatasetVersion.schema',
  'monitoring:MetricSeries.points',
  // What the serving platform can do: the same for every project, nothing of one project's data.
  'inference:ReleaseTarget.supportedStrategies',
  'inference:Project.supportedStrategies',
];

// ---- the stack and the scenario's truth ----------------------------------------------------

let stack: Stack;
const tokens: Record<'scoped' | 'all', string> = { scoped: '', all: '' };
const scopedCaller: Identity = { sub: 'pump-viewer', name: 'pump viewer', roles: { [A]: 'viewer' }, anonymous: false };
const allCaller: Identity = { sub: 'all-viewer', name: 'all viewer', roles: { '*': 'viewer' }, anonymous: false };

beforeAll(async () => {
  const n = inject('neo4j');
  stack = await startStack({ targets: 120, neo4j: { uri: n.uri, user: n.user, password: n.password } });
  tokens.scoped = await token(scopedCaller.sub, scopedCaller.roles as Record<string, Role>);
  tokens.all = await token(allCaller.sub, allCaller.roles as Record<string, Role>);
});
afterAll(async () => {
  await stack?.stop();
});

/** The project of an entity the response names, from the scenario (undefined: not in it). */
function projectOf(typename: string, id: string): string | undefined {
  const s = stack.scenario;
  const ofTarget = (targetId: string | undefined) => (targetId ? s.index.target.get(targetId)?.projectId : undefined);
  switch (typename) {
    case 'ModelVersion':
      return s.index.modelVersion.get(id)?.projectId;
    case 'TrainingRun':
      return s.index.run.get(id)?.projectId;
    case 'Dataset':
      return s.index.dataset.get(id)?.projectId;
    case 'DatasetVersion': {
      const v = s.index.datasetVersion.get(id);
      return v && s.index.dataset.get(v.datasetId)?.projectId;
    }
    case 'Deployment':
      return ofTarget(s.index.deployment.get(id)?.targetId);
    case 'ReleaseTarget':
      return ofTarget(id);
    case 'Alert':
      return ofTarget(s.alerts.find((a) => a.id === id)?.targetId);
    default:
      throw new Error(`no project rule for ${typename}`);
  }
}

/** Every `{ __typename, id }` object anywhere in a response. */
function entitiesIn(data: unknown, out: { typename: string; id: string }[] = []) {
  if (Array.isArray(data)) for (const x of data) entitiesIn(x, out);
  else if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    if (typeof o.__typename === 'string' && typeof o.id === 'string') out.push({ typename: o.__typename, id: o.id });
    for (const v of Object.values(o)) entitiesIn(v, out);
  }
  return out;
}

async function ask(who: 'scoped' | 'all', query: string, variables?: Record<string, unknown>) {
  const res = await stack.query(query, variables, tokens[who]);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** Pages through a root connection (`$after`), returning every page's data and the total. */
async function everyPage(who: 'scoped' | 'all', field: string, query: string) {
  const pages: unknown[] = [];
  let after: string | null = null;
  let totalCount = -1;
  do {
    const data = await ask(who, query, { after });
    const conn = data[field];
    pages.push(conn.nodes);
    totalCount = conn.totalCount;
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
  } while (after);
  return { pages, totalCount, ids: (pages.flat() as { id: string }[]).map((n) => n.id) };
}

/** The scoped caller saw entities, all of project A; the '*' caller saw A's and B's. */
function expectScoped(scoped: unknown, all: unknown, typenames: string[]) {
  const mine = entitiesIn(scoped);
  for (const t of typenames) expect(mine.some((e) => e.typename === t), `the scoped caller sees some ${t}`).toBe(true);
  for (const e of mine) expect(projectOf(e.typename, e.id), `${e.typename} ${e.id}`).toBe(A);
  const everyone = entitiesIn(all);
  for (const t of typenames) {
    const projects = new Set(everyone.filter((e) => e.typename === t).map((e) => projectOf(e.typename, e.id)));
    expect(projects.has(A) && projects.has(B), `the '*' caller sees ${t} of ${A} and ${B}`).toBe(true);
  }
}

const E = '__typename id';

// ---- the matrix ----------------------------------------------------------------------------

interface Case {
  covers: string[];
  check: () => Promise<void>;
}

const matrix: Record<string, Case> = {
  'training: one model version or run by id': {
    covers: ['training:Query.modelVersion', 'training:Query.trainingRun'],
    async check() {
      const s = stack.scenario;
      const [ma, mb] = [s.modelVersions.find((m) => m.projectId === A)!, s.modelVersions.find((m) => m.projectId === B)!];
      const [ra, rb] = [s.runs.find((r) => r.projectId === A)!, s.runs.find((r) => r.projectId === B)!];
      const q = `query($ma: ID!, $mb: ID!, $ra: ID!, $rb: ID!) { ma: modelVersion(id: $ma) { ${E} name } mb: modelVersion(id: $mb) { ${E} name }
        ra: trainingRun(id: $ra) { ${E} user } rb: trainingRun(id: $rb) { ${E} user } }`;
      const v = { ma: ma.id, mb: mb.id, ra: ra.id, rb: rb.id };
      const scoped = await ask('scoped', q, v);
      expect(scoped).toEqual({ ma: { __typename: 'ModelVersion', id: ma.id, name: ma.name }, mb: null, ra: { __typename: 'TrainingRun', id: ra.id, user: ra.user }, rb: null });
      expectScoped(scoped, await ask('all', q, v), ['ModelVersion', 'TrainingRun']);
    },
  },
  'training: model versions, with their deployments, health and runs': {
    covers: ['training:Query.modelVersions', 'inference:ModelVersion.deployments'],
    async check() {
      const q = `query($after: String) { modelVersions(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ${E} run { ${E} } deployments(activeOnly: false, first: 20) { totalCount nodes { ${E} } } health { status } } } }`;
      const scoped = await everyPage('scoped', 'modelVersions', q);
      const own = stack.scenario.modelVersions.filter((m) => m.projectId === A);
      expect(scoped.totalCount).toBe(own.length);
      expect(scoped.ids.sort()).toEqual(own.map((m) => m.id).sort());
      const all = await everyPage('all', 'modelVersions', q);
      expect(all.totalCount).toBe(stack.scenario.modelVersions.length);
      expectScoped(scoped.pages, all.pages, ['ModelVersion', 'TrainingRun', 'Deployment']);
    },
  },
  'training: runs, with the datasets they consumed and the models they produced': {
    covers: ['training:Query.trainingRuns', 'training:TrainingRun.datasets', 'training:TrainingRun.modelVersions'],
    async check() {
      const q = `query($after: String) { trainingRuns(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ${E} datasets { ${E} uri } modelVersions { ${E} } } } }`;
      const scoped = await everyPage('scoped', 'trainingRuns', q);
      const own = stack.scenario.runs.filter((r) => r.projectId === A);
      expect(scoped.totalCount).toBe(own.length);
      expect(scoped.ids.sort()).toEqual(own.map((r) => r.id).sort());
      const all = await everyPage('all', 'trainingRuns', q);
      expect(all.totalCount).toBe(stack.scenario.runs.length);
      expectScoped(scoped.pages, all.pages, ['TrainingRun', 'DatasetVersion', 'ModelVersion']);
    },
  },
  'training: comparing a version of each project': {
    covers: ['training:Query.compareModelVersions', 'training:ModelComparison.modelVersions', 'training:ModelComparison.metrics'],
    async check() {
      const s = stack.scenario;
      const [ma, mb] = [s.modelVersions.find((m) => m.projectId === A)!, s.modelVersions.find((m) => m.projectId === B)!];
      const q = `query($ids: [ID!]!) { compareModelVersions(ids: $ids) { modelVersions { ${E} } metrics { key values deltas best } } }`;
      const scoped = await ask('scoped', q, { ids: [ma.id, mb.id] });
      expect(scoped.compareModelVersions.modelVersions).toEqual([{ __typename: 'ModelVersion', id: ma.id }, null]);
      expect(scoped.compareModelVersions.metrics.length).toBeGreaterThan(0);
      for (const m of scoped.compareModelVersions.metrics) expect(m).toEqual({ key: m.key, values: [ma.metrics[m.key], null], deltas: [0, null], best: ma.id });
      const all = await ask('all', q, { ids: [ma.id, mb.id] });
      expect(all.compareModelVersions.metrics.find((m: { key: string }) => m.key === 'f1').values).toEqual([ma.metrics.f1, mb.metrics.f1]);
      expectScoped(scoped, all, ['ModelVersion']);
    },
  },
  'catalog: one dataset or version by id': {
    covers: ['catalog:Query.dataset', 'catalog:Query.datasetVersion'],
    async check() {
      const s = stack.scenario;
      const [da, db] = [s.datasets.find((d) => d.projectId === A)!, s.datasets.find((d) => d.projectId === B)!];
      const [va, vb] = [s.index.versionsByDataset.get(da.id)![0]!, s.index.versionsByDataset.get(db.id)![0]!];
      const q = `query($da: ID!, $db: ID!, $va: ID!, $vb: ID!) { da: dataset(id: $da) { ${E} } db: dataset(id: $db) { ${E} } va: datasetVersion(id: $va) { ${E} uri } vb: datasetVersion(id: $vb) { ${E} uri } }`;
      const v = { da: da.id, db: db.id, va: va.id, vb: vb.id };
      const scoped = await ask('scoped', q, v);
      expect(scoped).toEqual({ da: { __typename: 'Dataset', id: da.id }, db: null, va: { __typename: 'DatasetVersion', id: va.id, uri: va.uri }, vb: null });
      expectScoped(scoped, await ask('all', q, v), ['Dataset', 'DatasetVersion']);
    },
  },
  'catalog: datasets, their versions and provenance': {
    covers: ['catalog:Query.datasets', 'catalog:Dataset.versions', 'catalog:DatasetVersion.derivedFrom'],
    async check() {
      const q = `query($after: String) { datasets(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ${E} latestVersion { ${E} } versions(first: 10) { totalCount nodes { ${E} derivedFrom { ${E} } } } } } }`;
      const scoped = await everyPage('scoped', 'datasets', q);
      const own = stack.scenario.datasets.filter((d) => d.projectId === A);
      expect(scoped.totalCount).toBe(own.length);
      expect(scoped.ids.sort()).toEqual(own.map((d) => d.id).sort());
      const all = await everyPage('all', 'datasets', q);
      expect(all.totalCount).toBe(stack.scenario.datasets.length);
      expectScoped(scoped.pages, all.pages, ['Dataset', 'DatasetVersion']);
    },
  },
  'inference: one deployment by id': {
    covers: ['inference:Query.deployment'],
    async check() {
      const s = stack.scenario;
      const of = (p: string) => s.deployments.find((d) => s.index.target.get(d.targetId)!.projectId === p)!;
      const q = `query($a: ID!, $b: ID!) { a: deployment(id: $a) { ${E} endpoint } b: deployment(id: $b) { ${E} endpoint } }`;
      const v = { a: of(A).id, b: of(B).id };
      const scoped = await ask('scoped', q, v);
      expect(scoped).toEqual({ a: { __typename: 'Deployment', id: of(A).id, endpoint: of(A).endpoint }, b: null });
      expectScoped(scoped, await ask('all', q, v), ['Deployment']);
    },
  },
  'inference: deployments, with their targets (from the serving platform) and monitoring': {
    covers: [
      'inference:Query.deployments',
      'inference:ReleaseTarget.currentDeployments',
      'inference:ReleaseTarget.deploymentHistory',
      'inference:ReleaseTarget.deploymentsAt',
      'monitoring:Deployment.alerts',
      'monitoring:ReleaseTarget.alerts',
    ],
    async check() {
      const q = `query($after: String) { deployments(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ${E} modelVersion { ${E} name } health { status } alerts(openOnly: false) { ${E} }
          target { ${E} currentDeployments { ${E} } deploymentHistory(first: 10) { nodes { ${E} } } deploymentsAt(at: "2026-06-01T00:00:00Z") { ${E} }
            health { status } alerts(openOnly: false, first: 10) { totalCount nodes { ${E} } } } } } }`;
      const scoped = await everyPage('scoped', 'deployments', q);
      const s = stack.scenario;
      const own = s.deployments.filter((d) => s.index.target.get(d.targetId)!.projectId === A);
      expect(scoped.totalCount).toBe(own.length);
      expect(scoped.ids.sort()).toEqual(own.map((d) => d.id).sort());
      const all = await everyPage('all', 'deployments', q);
      expect(all.totalCount).toBe(s.deployments.length);
      expectScoped(scoped.pages, all.pages, ['Deployment', 'ModelVersion', 'ReleaseTarget', 'Alert']);
    },
  },
  'monitoring: alerts, and from them (by reference) their targets on the serving platform': {
    covers: ['monitoring:Query.alerts'],
    async check() {
      const q = `query($after: String) { alerts(filter: { openOnly: false }, first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ${E} deployment { ${E} health { status } series(metric: DRIFT_SCORE) { points { value } } }
          target { ${E} health { status } currentDeployments { ${E} modelVersion { ${E} } } } } } }`;
      const scoped = await everyPage('scoped', 'alerts', q);
      const s = stack.scenario;
      const own = s.alerts.filter((a) => s.index.target.get(a.targetId)!.projectId === A);
      expect(scoped.totalCount).toBe(own.length);
      expect(scoped.ids.sort()).toEqual(own.map((a) => a.id).sort());
      const all = await everyPage('all', 'alerts', q);
      expect(all.totalCount).toBe(s.alerts.length);
      expectScoped(scoped.pages, all.pages, ['Alert', 'Deployment', 'ReleaseTarget', 'ModelVersion']);
    },
  },
};

type PerProject = Record<typeof A | typeof B, string>;
/** The first id of project A and of project B among `xs`. */
function pair<T>(xs: readonly T[], projectOfX: (x: T) => string, idOf: (x: T) => string): PerProject {
  return { [A]: idOf(xs.find((x) => projectOfX(x) === A)!), [B]: idOf(xs.find((x) => projectOfX(x) === B)!) } as PerProject;
}
const served = () => stack.scenario.deployments.filter((d) => d.until === null);
const targetProject = (d: { targetId: string }) => stack.scenario.index.target.get(d.targetId)!.projectId;

/** Every entity the four subgraphs resolve by reference: an id of each project, and a selection their subgraph answers. */
const ENTITY_CASES: Record<string, { ids: () => PerProject; select: string }> = {
  'training:ModelVersion': { ids: () => pair(stack.scenario.modelVersions, (m) => m.projectId, (m) => m.id), select: 'id name' },
  'training:TrainingRun': { ids: () => pair(stack.scenario.runs, (r) => r.projectId, (r) => r.id), select: 'id user' },
  'catalog:Dataset': { ids: () => pair(stack.scenario.datasets, (d) => d.projectId, (d) => d.id), select: 'id name' },
  'catalog:DatasetVersion': {
    ids: () => pair(stack.scenario.datasetVersions, (v) => stack.scenario.index.dataset.get(v.datasetId)!.projectId, (v) => v.id),
    select: 'id uri',
  },
  'inference:Deployment': { ids: () => pair(served(), targetProject, (d) => d.id), select: 'id endpoint' },
  'inference:ReleaseTarget': { ids: () => pair(stack.scenario.targets, (t) => t.projectId, (t) => t.id), select: 'id currentDeployments { id }' },
  'inference:ModelVersion': { ids: () => pair(served(), targetProject, (d) => d.modelVersionId), select: 'id deployments { totalCount }' },
  'inference:Project': { ids: () => pair(stack.scenario.projects, (p) => p.id, (p) => p.id), select: 'id supportedStrategies' },
  'monitoring:Deployment': { ids: () => pair(served(), targetProject, (d) => d.id), select: 'id health { status }' },
  'monitoring:ReleaseTarget': { ids: () => pair(stack.scenario.targets, (t) => t.projectId, (t) => t.id), select: 'id health { status }' },
  'monitoring:ModelVersion': { ids: () => pair(served(), targetProject, (d) => d.modelVersionId), select: 'id health { status }' },
};

// ---- the tests -----------------------------------------------------------------------------

describe('project scope of the platform subgraphs: the matrix covers their whole surface', () => {
  it('every root field and list field of the four schemas is in the matrix (a new one fails here until it is)', () => {
    const { roots, lists, entities } = surface();
    const covered = [...Object.values(matrix).flatMap((c) => c.covers), ...VALUE_LISTS];
    expect(new Set(covered).size, 'a field is covered twice').toBe(covered.length);
    expect([...covered].sort()).toEqual([...roots, ...lists].sort());
    expect(Object.keys(ENTITY_CASES).sort()).toEqual([...entities].sort());
  });
});

describe('project scope through the gateway: scoped to pump-anomaly vs every project', () => {
  for (const [name, c] of Object.entries(matrix)) it(name, () => c.check());
});

describe('project scope of `_entities`: each subgraph, called as the gateway calls it', () => {
  const entities = async (sg: string, typename: string, select: string, ids: string[], caller: Identity) => {
    const res = await fetch(stack.subgraphs[sg as (typeof PLATFORM_SUBGRAPHS)[number]].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: await signCaller(stack.internalKey, caller) },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${select} } } }`,
        variables: { r: ids.map((id) => ({ __typename: typename, id })) },
      }),
    });
    const body = (await res.json()) as { data?: { _entities: ({ id: string } | null)[] }; errors?: unknown[] };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data!._entities;
  };

  for (const [key, c] of Object.entries(ENTITY_CASES)) {
    it(`${key}: another project's reference resolves to null for a scoped caller, to the entity for '*'`, async () => {
      const [sg, typename] = key.split(':') as [string, string];
      const ids = c.ids();
      const scoped = await entities(sg, typename, c.select, [ids[A], ids[B]], scopedCaller);
      expect(scoped[0]?.id).toBe(ids[A]);
      expect(scoped[1]).toBeNull();
      const all = await entities(sg, typename, c.select, [ids[A], ids[B]], allCaller);
      expect(all.map((e) => e?.id)).toEqual([ids[A], ids[B]]);
    });
  }
});
