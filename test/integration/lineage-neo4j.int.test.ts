/**
 * The lineage graph on the real Neo4j (from the global setup): the store contract suite, then
 * the lineage questions through the gateway, proven equal to the in-memory fallback, the
 * as-of question, injection attempts and the push endpoint. One file, so the tests that share
 * the one Neo4j database run in order.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, getScenario } from '@mlops/kit';
import { syncOnce } from '@mlops/subgraph-lineage';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';
import neo4j, { type Driver } from 'neo4j-driver';
import { describeLineageStoreContract, sourcesFor } from '../../subgraphs/lineage/src/store/contract.ts';
import { storeImpactSummary } from '../../subgraphs/lineage/src/cypher/writes.ts';
import { describeReleaseWorkflow } from './release-suite.ts';
import { LINEAGE_QUESTIONS, lineageQuestionVariables } from '../helpers/lineage-questions.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';

const conn = () => {
  const c = inject('neo4j');
  return { uri: c.uri, user: c.user, password: c.password };
};

async function freshNeo4j(opts: { impactSummaryMin?: number } = {}) {
  const store = new Neo4jLineageStore({ ...conn(), database: 'neo4j', ...opts }, createLogger('test', 'silent'));
  await store.init();
  await store.wipe();
  return store;
}

describe('migrations', () => {
  it('applies every ordered migration once and records its version in the graph', async () => {
    const store = await freshNeo4j();
    try {
      await store.init();
      const { loadMigrations } = await import('@mlops/subgraph-lineage/store');
      expect(await store.appliedMigrations()).toEqual(loadMigrations().map((m) => m.version));
      expect(loadMigrations().length).toBeGreaterThanOrEqual(3);
    } finally {
      await store.close();
    }
  });
});

/** A wiped store and a driver of the test's own on the same database, both closed after `use`. */
async function withStoreAndDriver(use: (store: Neo4jLineageStore, driver: Driver) => Promise<void>): Promise<void> {
  const store = await freshNeo4j();
  const driver = neo4j.driver(conn().uri, neo4j.auth.basic(conn().user, conn().password), { disableLosslessIntegers: true });
  try {
    await use(store, driver);
  } finally {
    await driver.close();
    await store.close();
  }
}

/** The operators of a statement's plan (EXPLAIN), depth first, without Neo4j's `@database` suffix. */
async function planOperators(driver: Driver, q: { cypher: string; params: Record<string, unknown> }): Promise<string> {
  const res = await driver.executeQuery(`EXPLAIN ${q.cypher}`, q.params, { database: 'neo4j' });
  const names: string[] = [];
  const walk = (p: { operatorType: string; children: unknown[] }) => {
    names.push(p.operatorType.replace(/@.*$/, ''));
    for (const c of p.children) walk(c as typeof p);
  };
  walk(res.summary.plan as unknown as { operatorType: string; children: unknown[] });
  return names.join(' ');
}

describe('query plans', () => {
  it('a page of one project\'s targets seeks the projectId index instead of scanning every target', () =>
    withStoreAndDriver(async (_store, driver) => {
      const { listTargets } = await import('../../subgraphs/lineage/src/cypher/reads.ts');
      for (const projectId of ['pump-anomaly', null]) {
        const page = { projectId, projectIds: projectId ? null : ['a', 'b'], line: null, plant: null, search: null, skip: 0, limit: 20 };
        const plan = await planOperators(driver, listTargets([page, { ...page, skip: 20 }]));
        expect(plan, plan).toMatch(/NodeIndexSeek/);
        expect(plan, plan).not.toMatch(/NodeByLabelScan|AllNodesScan/);
      }
    }));
});

describe('pages of targets asked together', () => {
  it('go to Neo4j as one statement per filter shape and order, each page answered as if asked alone', () =>
    withStoreAndDriver(async (store) => {
      await syncOnce(store, sourcesFor(getScenario({ targets: 60 })));
      type Ask = Parameters<Neo4jLineageStore['listTargets']>;
      const asks: Ask[] = [
        ['pump-anomaly', {}, { first: 5, after: null }],
        ['pump-anomaly', {}, { first: 7, after: '5' }],
        ['motor-vibration', {}, { first: 100, after: null }],
        ['no-such-project', {}, { first: 10, after: null }],
        ['energy-forecast', { projectIds: ['energy-forecast'] }, { first: 3, after: null }],
        ['pump-anomaly', { projectIds: ['motor-vibration'] }, { first: 3, after: null }],
        [null, { line: 'line-1' }, { first: 4, after: null }],
        ['pump-anomaly', {}, { first: 6, after: null }, { key: 'name', descending: true }],
      ];
      let reads = 0;
      const read = store.ex.read.bind(store.ex);
      store.ex.read = (...qs) => {
        reads++;
        return read(...qs);
      };
      const alone = [];
      for (const a of asks) alone.push(await store.listTargets(...a));
      expect(reads).toBe(asks.length);
      expect(alone[0]!.items).toHaveLength(5);
      expect(alone[1]!.items[0]!.id > alone[0]!.items[4]!.id).toBe(true);
      expect(alone[3]).toEqual({ items: [], totalCount: 0, tokens: [], hasNextPage: false });
      expect(alone[5]!.totalCount).toBe(0);
      expect(alone[6]!.items.map((t) => t.line)).toEqual(['line-1', 'line-1', 'line-1', 'line-1']);

      reads = 0;
      const together = await Promise.all(asks.map((a) => store.listTargets(...a)));
      expect(together).toEqual(alone);
      // Shapes: projectId (4 pages), projectId + projectIds (2), line (1), projectId ordered by name (1).
      expect(reads).toBe(4);

      // A page the statement refuses fails alone; the pages asked with it are answered.
      reads = 0;
      const mixed = await Promise.allSettled([store.listTargets(...asks[0]!), store.listTargets('pump-anomaly', {}, { first: 5, after: null }, { key: 'environment' as 'id', descending: false })]);
      expect(mixed[0]).toEqual({ status: 'fulfilled', value: alone[0] });
      expect(mixed[1]!.status === 'rejected' && String(mixed[1].reason)).toMatch(/sort key must be one of/);
      expect(reads).toBe(1);
    }));
});

describe('deployment writes', () => {
  it('merge a deployment by expanding between its two bound nodes, at any graph size', async () => {
    // A first load plans this statement on a nearly empty graph. With a relationship index on
    // DEPLOYED_TO(deploymentId) that plan looked each relationship up in the index, and one
    // 10,000-target load spent 16.7 s on a 402-row page there (migration 0007, BENCHMARKS.md).
    await withStoreAndDriver(async (_store, driver) => {
      const { upsertDeployments } = await import('../../subgraphs/lineage/src/cypher/writes.ts');
      const plan = await planOperators(driver, upsertDeployments([{ id: 'd-1', modelVersionId: 'mv-1', targetId: 't-1', from: '2026-01-01T00:00:00Z', to: null, trafficPercent: 100, state: 'ACTIVE' }], 'inference', 'x'));
      expect(plan, plan).toMatch(/LockingMerge( \w+)* Expand\(Into\)/);
      expect(plan, plan).not.toMatch(/RelationshipIndex|RelationshipTypeScan|AllRelationshipsScan/);
      const indexes = await driver.executeQuery('SHOW INDEXES YIELD name RETURN collect(name) AS names', {}, { database: 'neo4j' });
      expect(indexes.records[0]!.get('names')).not.toContain('deployed_to_deployment');
    });
  });
});

describe('write plans', () => {
  it('replanWrites plans the very statements and parameter types a sync batch sends, and stores nothing', async () => {
    // What it is for: after a first load, the first incremental pass spent ~1 s replanning the
    // seven batch statements (sync.ts). It only helps if the real writes then find its plans.
    await withStoreAndDriver(async (store, driver) => {
      const cypher = async (q: string) => (await driver.executeQuery(q, {}, { database: 'neo4j' })).records.map((r) => r.toObject());
      // Empties the plan caches and says how many plans they held ("… cleared of 7 queries.").
      const clearPlans = async () => {
        const [row] = await cypher('CALL db.clearQueryCaches() YIELD value RETURN value');
        const text = String(row!.value);
        if (/already empty/.test(text)) return 0;
        const n = /cleared of (\d+) quer/.exec(text);
        expect(n, text).not.toBeNull();
        return Number(n![1]);
      };
      await syncOnce(store, sourcesFor(getScenario({ targets: 12 })));
      const graph = await store.counts();
      await clearPlans();
      await store.replanWrites();
      expect(await clearPlans()).toBe(7);
      expect(await store.counts()).toEqual(graph);
      expect(await cypher('MATCH (n) WHERE n.id STARTS WITH "\\u0000" RETURN n.id AS id')).toEqual([]);

      // A batch of every kind, with values of other types than the rehearsal's (lists filled,
      // nulls given): the writes add no plan of their own, they use the seven rehearsed ones.
      const at = '2026-03-01T00:00:00.000Z';
      const batch = {
        source: 'inference' as const,
        syncedAt: at,
        projects: [{ id: 'wp-project', name: 'WP', description: 'plans', plant: 'plant-a', owners: ['alice'] }],
        targets: [{ id: 'wp-target', name: 'wp', projectId: 'wp-project', plant: 'plant-a', line: 'line-1', environment: 'prod' }],
        datasets: [{ id: 'wp-data', name: 'wp data', kind: 'FEATURES', owner: 'bob' }],
        datasetVersions: [{ id: 'wp-data@2', datasetId: 'wp-data', version: 2, uri: 's3://wp/2', owner: 'bob', createdAt: at, derivedFrom: ['wp-data@1'] }],
        runs: [{ id: 'wp-run', experiment: 'wp', startTime: at, inputs: ['wp-data@2'] }],
        modelVersions: [{ id: 'wp-model/2', name: 'wp-model', version: 2, createdAt: at, runId: 'wp-run', projectId: 'wp-project', derivedFrom: 'wp-model/1' }],
        deployments: [{ id: 'wp-target#1', targetId: 'wp-target', modelVersionId: 'wp-model/2', from: at, to: '2026-03-02T00:00:00.000Z', trafficPercent: 50, state: 'RETIRED' }],
      };
      await clearPlans();
      await store.replanWrites();
      await store.applyBatch(batch);
      expect(await clearPlans()).toBe(7);
      // Without the rehearsal the same batch makes the same seven plans: the count above is the
      // writes' own, not a cache that ignores them.
      await store.applyBatch(batch);
      expect(await clearPlans()).toBe(7);

      // A store that starts on a graph at least `replanAtNodes` large plans them at init, one
      // under it does not: seven plans more than init's own statements.
      const nodes = (await store.counts()).nodes;
      const initPlans = async (replanAtNodes: number) => {
        const started = new Neo4jLineageStore({ ...conn(), database: 'neo4j', replanAtNodes }, createLogger('test', 'silent'));
        try {
          await clearPlans();
          await started.init();
          return await clearPlans();
        } finally {
          await started.close();
        }
      };
      // (The first start of a store also plans what a new driver asks the server once.)
      await initPlans(nodes + 1);
      const replanned = await initPlans(nodes);
      expect(replanned - (await initPlans(nodes + 1))).toBe(7);
    });
  });
});

// Every version whose impact walk finds a derived model gets an impact summary (production:
// 1,000), so the suite's impact questions are answered both by walking and from summaries.
describeLineageStoreContract('neo4j', async () => {
  const store = await freshNeo4j({ impactSummaryMin: 1 });
  return { store, cleanup: () => store.close(), settle: () => store.summariesSettled() };
});


describe('impact summaries on Neo4j', () => {
  it('answers a large derived tree from its summary, and never from one that a write has outdated', async () => {
    const store = await freshNeo4j({ impactSummaryMin: 5 });
    // The same graph, always walked.
    const walked = new Neo4jLineageStore({ ...conn(), database: 'neo4j', impactSummaryMin: 0 }, createLogger('test', 'silent'));
    const driver = neo4j.driver(conn().uri, neo4j.auth.basic(conn().user, conn().password), { disableLosslessIntegers: true });
    const cypher = async (q: string, params: Record<string, unknown> = {}) => (await driver.executeQuery(q, params, { database: 'neo4j' })).records.map((r) => r.toObject());
    const summaries = () => cypher('MATCH (s:ImpactSummary) MATCH (m:ModelVersion {id: s.modelVersionId}) RETURN s.modelVersionId AS id, s.rev AS rev, coalesce(m.impactRev, 0) AS current ORDER BY id');
    try {
      const s = getScenario({ targets: 60 });
      await syncOnce(store, sourcesFor(s));
      const base = 'pump-anomaly-base/2';
      const first = await store.deprecationImpact(base, 1000);
      expect(first!.derivedModels.length).toBeGreaterThanOrEqual(5);
      expect(first).toEqual(await walked.deprecationImpact(base, 1000));
      await store.summariesSettled();
      const [made] = await summaries();
      expect(made).toMatchObject({ id: base });
      expect(made!.rev).toBe(made!.current);
      // Only the version asked about has one.
      expect((await summaries()).length).toBe(1);

      // Answered from the summary: a summary edited by hand shows in the answer (a walk would not).
      const [{ rows }] = (await cypher('MATCH (s:ImpactSummary {modelVersionId: $id}) RETURN s.rows AS rows', { id: base })) as [{ rows: string }];
      await cypher('MATCH (s:ImpactSummary {modelVersionId: $id}) SET s.rows = $rows', { id: base, rows: JSON.stringify(dropFirstDerived(rows)) });
      const edited = await store.deprecationImpact(base, 1000);
      expect(edited!.derivedModels).toEqual(first!.derivedModels.slice(1));
      // Smaller limits are cut from the same summary, and the explorer's 5,000 is answered from it too.
      expect((await store.deprecationImpact(base, 2))!.derivedModels).toEqual(first!.derivedModels.slice(1, 3));
      expect((await store.deprecationImpact(base, 5000))!.derivedModels).toEqual(first!.derivedModels.slice(1));

      // A new deployment of a derived model moves the base's revision: walked again, exact, and refreshed.
      const derived = first!.derivedModels.at(-1)!.modelVersionId;
      const at = '2026-11-20T00:00:00.000Z';
      const deployment = { id: 'zz-sum#1', targetId: 'zz-sum-target', modelVersionId: derived, from: at, to: null, trafficPercent: 100, state: 'ACTIVE' };
      await store.applyBatch({ source: 'inference', syncedAt: at, deployments: [deployment] });
      const deployed = await store.deprecationImpact(base, 1000);
      expect(deployed).toEqual(await walked.deprecationImpact(base, 1000));
      expect(deployed!.derivedTargets).toContainEqual({ targetId: 'zz-sum-target', projectId: null, modelVersionId: derived, role: 'SERVING', depth: expect.any(Number) });
      await store.summariesSettled();
      expect(await store.deprecationImpact(base, 1000)).toEqual(deployed);
      const [again] = await summaries();
      expect(again!.rev).toBe(again!.current);
      expect(again!.rev).toBeGreaterThan(made!.rev as number);
      // The same records written again unchanged (a change feed re-reads its watermark every pass) keep it.
      await store.applyBatch({ source: 'inference', syncedAt: at, deployments: [deployment] });
      await syncOnce(store, sourcesFor(s));
      expect(await summaries()).toEqual([again]);

      // The target named by that deployment joins a project: every derived-serving count moves with it.
      await store.applyBatch({ source: 'inference', syncedAt: at, targets: [{ id: 'zz-sum-target', name: 'zz', projectId: 'zz-sum-project', plant: 'p', line: 'l', environment: 'production' }] });
      const moved = await store.deprecationImpact(base, 1000);
      expect(moved).toEqual(await walked.deprecationImpact(base, 1000));
      expect(moved!.projectIds).toContain('zz-sum-project');
      await store.summariesSettled();
      // Summaries carry the derived targets' descriptions: a renamed target is read renamed.
      const renamed = { id: 'zz-sum-target', name: 'zz renamed', projectId: 'zz-sum-project', plant: 'p', line: 'l', environment: 'production' };
      await store.applyBatch({ source: 'inference', syncedAt: at, targets: [renamed] });
      expect((await store.deprecationImpactWithRefs([base], 1000)).targets).toContainEqual(renamed);
      await store.summariesSettled();
      expect((await store.deprecationImpactWithRefs([base], 1000)).targets).toContainEqual(renamed);

      // A model newly derived from the base (training feed) is in the next answer.
      await store.applyBatch({ source: 'training', syncedAt: at, modelVersions: [{ id: 'zz-sum-model/1', name: 'zz-sum-model', version: 1, createdAt: at, runId: null, projectId: 'zz-sum-project', derivedFrom: base }] });
      const grown = await store.deprecationImpact(base, 1000);
      expect(grown).toEqual(await walked.deprecationImpact(base, 1000));
      expect(grown!.derivedModels.map((d) => d.modelVersionId)).toContain('zz-sum-model/1');
      await store.summariesSettled();

      // A summary computed before a write is not stored after it (the refresh's guard).
      const [{ rev }] = (await cypher('MATCH (m:ModelVersion {id: $id}) RETURN coalesce(m.impactRev, 0) AS rev', { id: base })) as [{ rev: number }];
      await store.applyBatch({ source: 'inference', syncedAt: at, deployments: [{ id: 'zz-sum#2', targetId: 'zz-sum-target', modelVersionId: 'zz-sum-model/1', from: at, to: null, trafficPercent: 10, state: 'CANARY' }] });
      const [late] = await store.ex.write(storeImpactSummary(base, rev, '[[],[],[]]', at));
      expect(late).toEqual([{ stored: 0 }]);
      const [outdated] = await summaries();
      expect(outdated!.rev).not.toBe(outdated!.current);
      const last = await store.deprecationImpact(base, 1000);
      expect(last).toEqual(await walked.deprecationImpact(base, 1000));
      expect(last!.derivedTargets).toContainEqual(expect.objectContaining({ targetId: 'zz-sum-target', modelVersionId: 'zz-sum-model/1', role: 'CANARY' }));
    } finally {
      await driver.close();
      await walked.close();
      await store.close();
    }
  });
});

/** A summary's rows without the first derived model (to tell an answer from a summary apart from a walk's). */
function dropFirstDerived(rows: string): unknown {
  const [derived, targets, projects] = JSON.parse(rows) as [unknown[], unknown[], unknown[]];
  return [derived.slice(1), targets, projects];
}

describe('lineage questions through the gateway on Neo4j', () => {
  let neo: Stack;
  let mem: Stack;
  beforeAll(async () => {
    (await freshNeo4j()).close();
    // Counts and answers are what this suite checks, not speed: a loaded two-core CI machine must
    // not turn a cold first traversal into a timeout.
    neo = await startStack({ targets: 120, neo4j: conn(), neo4jQueryTimeoutMs: 30_000 });
    mem = await startStack({ targets: 120 });
  });
  afterAll(async () => {
    await neo?.stop();
    await mem?.stop();
  });

  it('answers every lineage question exactly as the in-memory fallback does', async () => {
    const { own, variables: vars } = lineageQuestionVariables(neo.scenario);
    const a = await neo.query(LINEAGE_QUESTIONS, vars);
    const b = await mem.query(LINEAGE_QUESTIONS, vars);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data).toEqual(b.data);
    // And they say something: the champion serves its machine, was trained on data, the base model has heirs.
    expect(a.data.modelVersion.deployedTo.map((d: any) => d.target.id)).toContain(own.targetId);
    expect(a.data.modelVersion.trainedOn.length).toBeGreaterThan(0);
    expect(a.data.deprecationImpact.derivedModels.length).toBeGreaterThan(5);
    expect(a.data.deprecationImpact.byProject[0].owners.length).toBeGreaterThan(0);
    expect(a.data.datasetVersion.usedBy.targets.length).toBeGreaterThanOrEqual(0);
    expect(a.data.lineage.nodes.length).toBeGreaterThan(3);
  });

  // Before the push test below: it writes to the Neo4j stack only, and this one compares the two.
  it('asks the graph once per request and argument set: the reuse of 350 model versions is one store call', async () => {
    // 350, not 500: the gateway's cost limit prices 500 reuse traversals of 20 above its default.
    const reuse = `{ modelVersions(first: 350) { nodes { id reusedBy(limit: 20) { truncated entries { kind modelVersion { id } target { id } } } } } }`;
    const roots = `{
      a: deprecationImpact(modelVersionId: "pump-anomaly-base/2") { totalTargets derivedModels { modelVersion { id } } derivedTargets { target { id name } } byProject { project { id name } owners } }
      b: deprecationImpact(modelVersionId: "pump-anomaly-fleet/2") { totalTargets }
      c: deprecationImpact(modelVersionId: "pump-anomaly-fleet/2", limit: 10) { totalTargets }
      l1: lineage(rootId: "pump-anomaly-base/2", depth: 3) { truncated nodes { id } edges { from to type } }
      l2: lineage(rootId: "pump-anomaly-fleet/2", depth: 3) { truncated nodes { id } }
      l3: lineage(rootId: "pump-anomaly", depth: 3) { truncated nodes { id } }
      l4: lineage(rootId: "pump-anomaly", depth: 1) { truncated nodes { id } }
    }`;
    const usage = `{ modelVersions(first: 60) { nodes { trainedOn(depth: 1) { datasetVersion { id usedBy(limit: 10) { truncated runs { id } } } } } } }`;
    const answers: unknown[][] = [];
    for (const stack of [neo, mem]) {
      const calls = stack.connectors.lineage.calls.byMethod;
      const got: unknown[] = [];
      stack.resetCounts();
      const r = await stack.query(reuse);
      expect(r.errors, JSON.stringify(r.errors?.slice(0, 2))).toBeUndefined();
      expect(r.data.modelVersions.nodes).toHaveLength(350);
      expect(r.data.modelVersions.nodes.filter((n: any) => n.reusedBy.entries.length > 0).length).toBeGreaterThan(100);
      expect([calls.get('reusedByMany'), calls.get('reusedBy')]).toEqual([1, undefined]);
      got.push(r.data);

      stack.resetCounts();
      const q = await stack.query(roots);
      expect(q.errors).toBeUndefined();
      expect(q.data.a.derivedModels.length).toBeGreaterThan(5);
      expect(q.data.l1.nodes.length).toBeGreaterThan(5);
      // Two limits: two impact calls; two lineage argument sets: two walks, each for all its roots.
      expect([calls.get('deprecationImpactWithRefs'), calls.get('deprecationImpactMany'), calls.get('lineageMany'), calls.get('expand')]).toEqual([2, undefined, 2, undefined]);
      // The impact's targets and projects came with it: no lookup after it.
      expect(q.data.a.derivedTargets.length).toBeGreaterThan(3);
      expect(q.data.a.byProject[0].project.name).toBeTruthy();
      expect([calls.get('getTargets'), calls.get('getProjects')]).toEqual([undefined, undefined]);
      got.push(q.data);

      stack.resetCounts();
      const u = await stack.query(usage);
      expect(u.errors).toBeUndefined();
      expect(u.data.modelVersions.nodes.flatMap((n: any) => n.trainedOn).length).toBeGreaterThan(100);
      expect(calls.get('usedBy')).toBe(1);
      got.push(u.data);
      answers.push(got);
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it('counts a deprecation impact in full by project, also when its lists stop at the limit', async () => {
    const q = (limit: number) => `{ deprecationImpact(modelVersionId: "pump-anomaly-base/2", limit: ${limit}) {
      totalTargets truncated targets { target { id project { id } } } derivedTargets { target { id project { id } } modelVersion { id } }
      byProject { project { id } targets derivedModels derivedTargets } } }`;
    for (const stack of [neo, mem]) {
      const whole = await stack.query(q(1000));
      const cut = await stack.query(q(2));
      expect(whole.errors).toBeUndefined();
      expect(cut.errors).toBeUndefined();
      const w = whole.data.deprecationImpact;
      const c = cut.data.deprecationImpact;
      expect([w.truncated, c.truncated, c.derivedTargets.length]).toEqual([false, true, 2]);
      // The uncut answer's counts are those of its lists…
      const ids = (ts: any[]) => new Set(ts.map((t) => t.target.id)).size;
      expect(w.totalTargets).toBe(ids([...w.targets, ...w.derivedTargets]));
      expect(w.totalTargets).toBeGreaterThan(2);
      for (const p of w.byProject) {
        const mine = w.derivedTargets.filter((t: any) => t.target.project.id === p.project.id);
        expect([p.derivedTargets, p.derivedModels]).toEqual([ids(mine), new Set(mine.map((t: any) => t.modelVersion.id)).size]);
      }
      // …and the cut answer counts the same, not its two listed targets.
      expect(c.totalTargets).toBe(w.totalTargets);
      expect(c.byProject).toEqual(w.byProject);
    }
  });

  it('answers what served a target at an instant across a hot swap that was later rolled back', async () => {
    const s = neo.scenario;
    const bad = s.deployments.find((d) => d.state === 'ROLLED_BACK' && s.deployments.some((r) => r.targetId === d.targetId && r.strategy === 'ROLLBACK' && r.since === d.until))!;
    const restored = s.deployments.find((r) => r.targetId === bad.targetId && r.strategy === 'ROLLBACK' && r.since === bad.until)!;
    const before = s.deployments.find((d) => d.targetId === bad.targetId && d.until === bad.since && d.id !== bad.id)!;
    const mid = (a: string, b: string) => new Date((Date.parse(a) + Date.parse(b)) / 2).toISOString();
    const q = `query($t: ID!, $a: DateTime!, $b: DateTime!, $c: DateTime!) { releaseTarget(id: $t) {
      before: servedAt(at: $a) { modelVersion { id } } during: servedAt(at: $b) { modelVersion { id } state } after: servedAt(at: $c) { modelVersion { id } } } }`;
    const res = await neo.query(q, {
      t: bad.targetId,
      a: mid(before.since, before.until!),
      b: mid(bad.since, bad.until!),
      c: new Date(Date.parse(restored.since) + 60_000).toISOString(),
    });
    expect(res.errors).toBeUndefined();
    const r = res.data.releaseTarget;
    expect(r.before.map((x: any) => x.modelVersion.id)).toEqual([before.modelVersionId]);
    expect(r.during.map((x: any) => x.modelVersion.id)).toEqual([bad.modelVersionId]);
    expect(r.during[0].state).toBe('ROLLED_BACK');
    expect(r.after.map((x: any) => x.modelVersion.id)).toContain(restored.modelVersionId);
    expect(restored.modelVersionId).toBe(before.modelVersionId);
  });

  it.each([
    ['filter.search', `releaseTargets(filter: { search: "x' }) DETACH DELETE n //" }) { totalCount }`],
    ['orderBy', `releaseTargets(orderBy: "name DESC, t.id; MATCH (n) DETACH DELETE n //") { totalCount }`],
    ['filter.line', `releaseTargets(filter: { line: "line-1\\" OR 1=1 //" }) { totalCount }`],
    ['modelName', `targetsNotOn(modelName: "a}) MATCH (n) DETACH DELETE n //", minVersion: 1) { totalCount }`],
    ['rootId', `lineage(rootId: "x' RETURN 1 UNION MATCH (n) DETACH DELETE n //") { truncated }`],
  ])('an injection attempt in %s gets BAD_USER_INPUT and leaves the graph unchanged', async (argument, field) => {
    const before = await neo.store.counts();
    const res = await neo.query(`{ ${field} }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain(argument);
    expect(await neo.store.counts()).toEqual(before);
  });

  it('takes pushed events: an invalid one gets 400 naming the problem and writes nothing; the valid ones beside it are kept', async () => {
    const s = neo.scenario;
    const target = s.targets[3]!;
    const mv = s.modelVersions.find((m) => m.targetId === target.id)!;
    const before = await neo.store.counts();
    const events = [
      { type: 'deployment.changed', source: 'inference', deployment: { id: `${target.id}#push-1`, targetId: target.id, modelVersionId: mv.id, from: '2026-11-20T00:00:00Z', to: null, trafficPercent: 10, state: 'CANARY' } },
      { type: 'deployment.changed', source: 'inference', deployment: { id: `${target.id}#push-2`, targetId: target.id, modelVersionId: mv.id, from: '2026-11-20T00:00:00Z', trafficPercent: 250, state: 'CANARY' } },
      { type: 'dataset_version.created', source: 'catalog', datasetVersion: { id: 'pushed-ds@sha256:01', datasetId: 'pushed-ds', version: 1, uri: 's3://x/pushed/', owner: 'qa@plant.example', createdAt: '2026-11-20T00:00:00Z' } },
      { type: 'no.such.event', source: 'inference' },
    ];
    const url = neo.subgraphs.lineage.url.replace(/\/graphql$/, '/events');
    const writer = await token('platform-bot', { '*': 'platform-writer' });
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}` }, body: JSON.stringify(body) });
    // All or nothing: two invalid events reject the batch, every problem is named, nothing is written.
    const res = await post({ events });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r: any) => r.index)).toEqual([1, 3]);
    expect(body.rejected[0].problems.join(' ')).toContain('events.1.deployment.trafficPercent');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|stack/i);
    expect(await neo.store.counts()).toEqual(before);
    // The valid events alone are written.
    const ok = await post({ events: [events[0], events[2]] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).accepted).toBe(2);
    const after = await neo.store.counts();
    // One DEPLOYED_TO, and a dataset version with its bare dataset and VERSION_OF.
    expect(after.relationships).toBe(before.relationships + 2);
    expect(after.nodes).toBe(before.nodes + 2);
    const spans = (await neo.store.servedAt([target.id], null))[0]!;
    expect(spans.map((x) => x.deploymentId)).toContain(`${target.id}#push-1`);
    expect(spans.map((x) => x.deploymentId)).not.toContain(`${target.id}#push-2`);
    // Replaying the same request changes nothing (idempotent), and garbage JSON is a clean 400.
    await post({ events: [events[0], events[2]] });
    expect(await neo.store.counts()).toEqual(after);
    const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}` }, body: '{"events": [' });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).not.toMatch(/node_modules|at [A-Za-z]+ \(/);
  });

  it('sorts targets by an allow-listed key the same way in both stores', async () => {
    const q = `{ releaseTargets(projectId: "energy-forecast", orderBy: "-line", first: 30) { nodes { id line } } }`;
    const a = await neo.query(q);
    const b = await mem.query(q);
    expect(a.errors).toBeUndefined();
    expect(a.data).toEqual(b.data);
    const lines = a.data.releaseTargets.nodes.map((n: any) => n.line);
    expect(lines).toEqual([...lines].sort().reverse());
  });

  it('reports each platform freshness', async () => {
    const res = await neo.query(`{ platformFreshness { platform watermark lastSyncAt nodes } }`);
    const byName = Object.fromEntries(res.data.platformFreshness.map((f: any) => [f.platform, f]));
    for (const p of ['training', 'catalog', 'inference']) {
      expect(byName[p].lastSyncAt).toBeTruthy();
      expect(byName[p].watermark).toBeTruthy();
      expect(byName[p].nodes).toBeGreaterThan(0);
    }
  });

  it.each([
    ['reusedBy', 'limit', () => `modelVersion(id: "pump-anomaly-base/2") { reusedBy(limit: 1001) { truncated } }`],
    ['usedBy', 'limit', () => `datasetVersion(id: ${JSON.stringify(neo.scenario.datasetVersions[0]!.id)}) { id usedBy(limit: 1001) { truncated } }`],
    ['lineage', 'maxNodes', () => `lineage(rootId: "pump-anomaly", maxNodes: 2001) { truncated }`],
  ])('refuses %s with %s above its cap: BAD_USER_INPUT naming the argument, no store call', async (_field, argument, field) => {
    neo.resetCounts();
    const res = await neo.query(`{ ${field()} }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain(`${argument}:`);
    expect(neo.connectors.lineage.calls.total()).toBe(0);
  });
});

/**
 * No request holds the graph: every transaction carries a server-side timeout and the pool
 * is bounded. The graph here is made expensive on purpose: seven layers of twenty dataset
 * versions, each derived from every version of the next layer, so walking six derived-from
 * hops upstream of the bottom one enumerates 20^6 paths.
 */
describe('a lineage query cannot hold the graph database', () => {
  const W = 20;
  const LAYERS = 7;
  const dv = (layer: number, i: number) => `zz-dense@${layer}-${i}`;
  const at = '2026-11-01T00:00:00.000Z';
  const logger = createLogger('test', 'silent');
  const stores: Neo4jLineageStore[] = [];
  const open = (limits: Partial<Pick<ConstructorParameters<typeof Neo4jLineageStore>[0], 'queryTimeoutMs' | 'writeTimeoutMs' | 'maxPoolSize' | 'acquisitionTimeoutMs'>>) => {
    const s = new Neo4jLineageStore({ ...conn(), database: 'neo4j', ...limits }, logger);
    stores.push(s);
    return s;
  };

  beforeAll(async () => {
    const store = await freshNeo4j();
    stores.push(store);
    await store.applyBatch({
      source: 'catalog',
      syncedAt: at,
      datasetVersions: Array.from({ length: LAYERS * W }, (_, k) => {
        const layer = Math.floor(k / W);
        return {
          id: dv(layer, k % W),
          datasetId: 'zz-dense',
          version: k,
          uri: `s3://zz/dense/${k}`,
          owner: 'qa',
          createdAt: at,
          derivedFrom: layer + 1 < LAYERS ? Array.from({ length: W }, (_, i) => dv(layer + 1, i)) : [],
        };
      }),
    });
    await store.applyBatch({
      source: 'training',
      syncedAt: at,
      runs: [{ id: 'zz-dense-run', experiment: 'zz', startTime: at, inputs: [dv(0, 0)] }],
      modelVersions: [{ id: 'zz-dense/1', name: 'zz-dense', version: 1, createdAt: at, runId: 'zz-dense-run', projectId: null, derivedFrom: null }],
    });
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  /**
   * Holds the write lock on one dataset version from outside the store, as a long write by
   * another process would, so a store write touching it waits exactly as long as the test says.
   */
  async function holdLock(id: string): Promise<() => Promise<void>> {
    const c = conn();
    const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    const session = driver.session({ database: 'neo4j' });
    const tx = session.beginTransaction();
    const held = await tx.run('MATCH (d:DatasetVersion {id: $id}) SET d.heldBy = "test" RETURN d.id', { id });
    expect(held.records).toHaveLength(1);
    return async () => {
      await tx.rollback();
      await session.close();
      await driver.close();
    };
  }
  async function uriOf(id: string): Promise<unknown> {
    const c = conn();
    const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
    try {
      const res = await driver.executeQuery('MATCH (d:DatasetVersion {id: $id}) RETURN d.uri AS uri', { id }, { database: 'neo4j' });
      return res.records[0]?.get('uri');
    } finally {
      await driver.close();
    }
  }
  const touch = (uri: string) => ({
    source: 'catalog' as const,
    syncedAt: at,
    datasetVersions: [{ id: dv(LAYERS - 1, 0), datasetId: 'zz-dense', version: (LAYERS - 1) * W, uri, owner: 'qa', createdAt: at, derivedFrom: [] }],
  });

  it('stops an expensive traversal at the server-side timeout: LINEAGE_STORE_UNAVAILABLE, no Cypher, the connection is reusable', async () => {
    // 20^6 paths to sort: the 150 ms limit (checked every 100 ms, see neo4j/server.sh) is
    // reached long before the 512 MB heap fills, on a fast machine too.
    // Planned once (plans are cached by the server) by a store with the default limit, so the
    // cheap check at the end measures execution only, on a cold server too.
    const cheap = [[{ datasetVersionId: dv(0, 0), depth: 0, runId: 'zz-dense-run' }]];
    expect(await open({}).trainedOn(['zz-dense/1'], 0)).toEqual(cheap);
    const tight = open({ queryTimeoutMs: 150 });
    const err = (await tight.trainedOn(['zz-dense/1'], 6).then(
      () => null,
      (e: unknown) => e,
    )) as { message: string; extensions?: Record<string, unknown> } | null;
    expect(err).not.toBeNull();
    expect(err!.extensions).toMatchObject({ code: 'LINEAGE_STORE_UNAVAILABLE', reason: 'TIMEOUT' });
    expect(err!.message).not.toMatch(/MATCH|DERIVED_FROM|Neo\.|bolt|127\.0\.0\.1|\$ids/);
    // The same store, the same small pool: a cheap question answers right after.
    expect(await tight.trainedOn(['zz-dense/1'], 0)).toEqual(cheap);
  });

  it('stops a write that waits on a lock at the write timeout, and writes nothing of it', async () => {
    const store = open({ writeTimeoutMs: 300 });
    const release = await holdLock(dv(LAYERS - 1, 0));
    try {
      const err = await store.applyBatch(touch('s3://zz/changed')).then(
        () => null,
        (e: { message: string; extensions?: Record<string, unknown> }) => e,
      );
      expect(err?.extensions).toMatchObject({ code: 'LINEAGE_STORE_UNAVAILABLE', reason: 'TIMEOUT' });
      expect(err!.message).not.toMatch(/MERGE|DatasetVersion|Neo\.|bolt|127\.0\.0\.1/);
    } finally {
      await release();
    }
    expect(await uriOf(dv(LAYERS - 1, 0))).toBe(`s3://zz/dense/${(LAYERS - 1) * W}`);
  });

  it('bounds the pool: with its one connection busy, the next query fails fast as unavailable instead of queueing', async () => {
    const one = open({ maxPoolSize: 1, acquisitionTimeoutMs: 1_000, writeTimeoutMs: 20_000 });
    // The one connection waits on a lock held outside the store for as long as the test holds it.
    const release = await holdLock(dv(LAYERS - 1, 0));
    let busy: Promise<unknown>;
    try {
      busy = one.applyBatch(touch(`s3://zz/dense/${(LAYERS - 1) * W}`)).then(() => 'answered');
      const waiting = await one.counts().then(
        () => 'answered',
        (e: { message: string; extensions?: { code?: unknown } }) => [e.extensions?.code, e.message],
      );
      expect(waiting).toEqual(['LINEAGE_STORE_UNAVAILABLE', 'The lineage graph database is unavailable; lineage fields cannot be answered right now']);
    } finally {
      await release();
    }
    // The held write then completes, and the pool serves the next query.
    expect(await busy).toBe('answered');
    expect((await one.counts()).nodes).toBeGreaterThan(LAYERS * W);
  });
});

/** Tampering goes around the application, straight at the database, as an attacker with DB access would. */
async function tamperNeo4j(releaseId: string, how: 'edit' | 'delete'): Promise<string> {
  const c = conn();
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
  const session = driver.session({ database: 'neo4j' });
  try {
    const seq = how === 'edit' ? 2 : 3;
    const cypher =
      how === 'edit'
        ? 'MATCH (a:AuditEvent {entityId: $id, seq: $seq}) SET a.actor = "someone.else" RETURN a.id AS id'
        : 'MATCH (a:AuditEvent {entityId: $id, seq: $seq}) WITH a, a.id AS id DELETE a RETURN id';
    const res = await session.run(cypher, { id: releaseId, seq: neo4j.int(seq) });
    return res.records[0]!.get('id') as string;
  } finally {
    await session.close();
    await driver.close();
  }
}

describeReleaseWorkflow(
  'neo4j',
  async () => {
    (await freshNeo4j()).close();
    return startStack({ targets: 120, neo4j: conn() });
  },
  (_stack, releaseId, how) => tamperNeo4j(releaseId, how),
);
