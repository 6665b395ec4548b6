/**
 * The TrainingConnector contract: one vitest suite every implementation runs (the built-in
 * registry here, MLflow over a real server in mlflow.int.test.ts) against the same scenario
 * slice. Every expectation is computed from the scenario arrays (the oracle below), never from a
 * connector, so the two implementations give the same answers field by field.
 *
 * What differs by design, and how the suite handles it:
 * - Run ids are the platform's own (MLflow chooses them), so `runId()` maps a scenario run id to
 *   the connector's; everything else about a run is compared as is.
 * - `updatedAt` is the platform's change clock (the sync's watermark), so it is checked for its
 *   meaning (the feed is ordered by it, `since` filters on it), not compared with the scenario.
 * - Alias and input lists are compared as sets (sorted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type Page, type PageRequest } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import type { ModelVersionModel, TrainingConnector, TrainingRunModel } from './types.ts';

export interface OpenedTraining {
  connector: TrainingConnector;
  scenario: Scenario;
  /** The connector's id of a scenario run (the identity for the built-in registry). */
  runId: (scenarioRunId: string) => string;
  cleanup: () => Promise<void>;
}

export interface ContractOptions {
  /** HTTP requests the connector has sent so far: the batching tests then run. */
  requests?: () => number;
  /** Stops the platform: the last test then checks every call fails with a ConnectorError. */
  stopPlatform?: () => Promise<void>;
  /**
   * Reads a model version's tags and aliases from the platform itself, not through the
   * connector: the deprecation test then checks the registry, not only the connector's view.
   */
  registryState?: (id: string) => Promise<{ tags: Record<string, string>; aliases: string[] }>;
  /** For `open()`: a real platform may install, start and be seeded first. Default 60 s. */
  openTimeoutMs?: number;
}

type Run = Scenario['runs'][number];
type Mv = Scenario['modelVersions'][number];
type Comparable<T> = Omit<T, 'updatedAt'>;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (xs: readonly string[]) => [...xs].sort(cmp);

/** Evenly spaced picks from a list (deterministic). */
function sample<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]!);
}

function normVersion(m: ModelVersionModel | null): Comparable<ModelVersionModel> | null {
  if (!m) return null;
  const { updatedAt: _u, ...rest } = m;
  return { ...rest, aliases: sorted(m.aliases) };
}

function normRun(r: TrainingRunModel | null): TrainingRunModel | null {
  return r ? { ...r, inputs: sorted(r.inputs) } : null;
}

/** Reads a whole list through its resume tokens, checking each page's bookkeeping. */
async function walk<T>(list: (page: PageRequest) => Promise<Page<T>>, first: number): Promise<{ items: T[]; pages: Page<T>[] }> {
  const items: T[] = [];
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const page = await list({ first, after });
    pages.push(page);
    items.push(...page.items);
    expect(page.tokens).toHaveLength(page.items.length);
    if (!page.hasNextPage) return { items, pages };
    expect(page.items).toHaveLength(first);
    after = page.tokens.at(-1)!;
  }
  throw new Error('the list never ended');
}

export function describeTrainingConnectorContract(name: string, open: () => Promise<OpenedTraining>, opts: ContractOptions = {}): void {
  describe(`TrainingConnector contract: ${name}`, () => {
    let o: OpenedTraining;
    let c: TrainingConnector;
    let s: Scenario;

    const expectedVersion = (m: Mv): Comparable<ModelVersionModel> => ({
      id: m.id,
      projectId: m.projectId,
      name: m.name,
      version: m.version,
      createdAt: m.createdAt,
      description: m.description,
      aliases: sorted(m.aliases),
      tags: m.tags,
      runId: o.runId(m.runId),
      metrics: m.metrics,
      derivedFrom: m.derivedFrom,
    });
    const expectedRun = (r: Run): TrainingRunModel => ({
      id: o.runId(r.id),
      projectId: r.projectId,
      experiment: r.experiment,
      modelName: r.modelName,
      status: r.status,
      user: r.user,
      startTime: r.startTime,
      endTime: r.endTime,
      codeVersion: r.codeVersion,
      params: r.params,
      metrics: r.metrics,
      inputs: sorted(r.inputs),
    });
    /** Newest registration first, ties by id: the order of every version list. */
    const newestVersions = (ms: readonly Mv[]) => [...ms].sort((a, b) => cmp(b.createdAt, a.createdAt) || cmp(a.id, b.id));
    const newestRuns = (rs: readonly Run[]) => [...rs].sort((a, b) => cmp(b.startTime, a.startTime) || cmp(o.runId(a.id), o.runId(b.id)));

    beforeAll(async () => {
      o = await open();
      c = o.connector;
      s = o.scenario;
    }, opts.openTimeoutMs ?? 60_000);
    afterAll(async () => {
      await o?.cleanup();
    });

    it('names the training platform', () => {
      expect(c.platform).toBe('training');
    });

    it('gets model versions by id in key order, null for unknown ids', async () => {
      const picks = sample(s.modelVersions, 40);
      const unknown = ['no-such-model/1', `${picks[0]!.name}/999`, 'no-slash', `it's/1`, ''];
      const ids = [unknown[0]!, ...picks.map((m) => m.id), ...unknown.slice(1)];
      const got = await c.getModelVersions(ids);
      expect(got.map(normVersion)).toEqual([null, ...picks.map(expectedVersion), null, null, null, null]);
      expect(await c.getModelVersions([])).toEqual([]);
    });

    it('gets runs by id in key order, null for unknown ids', async () => {
      const picks = sample(s.runs, 40);
      const ids = ['0'.repeat(32), ...picks.map((r) => o.runId(r.id)), 'not-a-run', `a'b`];
      const got = await c.getRuns(ids);
      expect(got.map(normRun)).toEqual([null, ...picks.map(expectedRun), null, null]);
      // The same run asked twice answers twice.
      const one = o.runId(picks[0]!.id);
      expect((await c.getRuns([one, one])).map((r) => r?.id)).toEqual([one, one]);
    });

    it('lists the versions each run produced, newest first, [] for an unknown run', async () => {
      const picks = sample(s.runs, 12);
      const got = await c.modelVersionsByRuns([...picks.map((r) => o.runId(r.id)), 'f'.repeat(32)]);
      expect(got.map((vs) => vs.map(normVersion))).toEqual([...picks.map((r) => newestVersions(s.modelVersions.filter((m) => m.runId === r.id)).map(expectedVersion)), []]);
    });

    it('lists a model\'s versions newest first', async () => {
      const name = s.modelVersions.find((m) => m.targetId !== null && s.modelVersions.filter((x) => x.name === m.name).length >= 4)!.name;
      const want = newestVersions(s.modelVersions.filter((m) => m.name === name));
      const page = await c.listModelVersions({ name }, { first: 100, after: null });
      expect(page.items.map(normVersion)).toEqual(want.map(expectedVersion));
      expect(page).toMatchObject({ totalCount: want.length, hasNextPage: false });
      expect((await c.listModelVersions({ name: 'no-such-model' }, { first: 10, after: null })).totalCount).toBe(0);
    });

    it('filters versions by alias, tag, and both with a name', async () => {
      for (const alias of ['champion', 'stable', 'candidate']) {
        const want = newestVersions(s.modelVersions.filter((m) => m.aliases.includes(alias)));
        expect(want.length).toBeGreaterThan(0);
        const page = await c.listModelVersions({ alias }, { first: 500, after: null });
        expect(page.items.map((m) => m.id)).toEqual(want.map((m) => m.id));
        expect(page.totalCount).toBe(want.length);
      }
      const champ = s.modelVersions.find((m) => m.aliases.includes('champion') && m.targetId !== null)!;
      expect((await c.listModelVersions({ name: champ.name, alias: 'champion' }, { first: 5, after: null })).items.map(normVersion)).toEqual([expectedVersion(champ)]);
      const machine = champ.tags.machine!;
      const byTag = newestVersions(s.modelVersions.filter((m) => m.tags.machine === machine));
      expect((await c.listModelVersions({ tag: { key: 'machine', value: machine } }, { first: 100, after: null })).items.map((m) => m.id)).toEqual(byTag.map((m) => m.id));
      expect((await c.listModelVersions({ tag: { key: 'machine', value: `it's` } }, { first: 100, after: null })).totalCount).toBe(0);
    });

    it('pages a version list with resume tokens: every item once, in order, with the total', async () => {
      const project = s.projects[0]!.id;
      const want = newestVersions(s.modelVersions.filter((m) => m.tags.project === project));
      expect(want.length).toBeGreaterThan(20);
      const { items, pages } = await walk((p) => c.listModelVersions({ tag: { key: 'project', value: project } }, p), 7);
      expect(items.map((m) => m.id)).toEqual(want.map((m) => m.id));
      expect(pages.length).toBe(Math.ceil(want.length / 7));
      for (const p of pages) expect(p.totalCount).toBe(want.length);
      const aliased = newestVersions(s.modelVersions.filter((m) => m.aliases.includes('champion')));
      expect((await walk((p) => c.listModelVersions({ alias: 'champion' }, p), 4)).items.map((m) => m.id)).toEqual(aliased.map((m) => m.id));
    });

    it('lists runs newest first by experiment, model and status, with paging', async () => {
      const exp = s.runs.find((r) => s.runs.filter((x) => x.experiment === r.experiment).length >= 4)!.experiment;
      const want = newestRuns(s.runs.filter((r) => r.experiment === exp));
      const page = await c.listRuns({ experiment: exp }, { first: 100, after: null });
      expect(page.items.map(normRun)).toEqual(want.map(expectedRun));
      expect(page.totalCount).toBe(want.length);
      const model = s.runs.find((r) => r.modelName.endsWith('-base'))!.modelName;
      expect((await c.listRuns({ modelName: model }, { first: 100, after: null })).items.map((r) => r.id)).toEqual(newestRuns(s.runs.filter((r) => r.modelName === model)).map((r) => o.runId(r.id)));
      const all = newestRuns(s.runs.filter((r) => r.status === 'FINISHED'));
      const first = await c.listRuns({ status: 'FINISHED' }, { first: 25, after: null });
      expect(first.items.map((r) => r.id)).toEqual(all.slice(0, 25).map((r) => o.runId(r.id)));
      expect(first).toMatchObject({ totalCount: all.length, hasNextPage: true });
      const second = await c.listRuns({ status: 'FINISHED' }, { first: 25, after: first.tokens.at(-1)! });
      expect(second.items.map((r) => r.id)).toEqual(all.slice(25, 50).map((r) => o.runId(r.id)));
      expect((await c.listRuns({ experiment: 'no-such/experiment' }, { first: 10, after: null })).totalCount).toBe(0);
      // Every scenario run has ended.
      expect((await c.listRuns({ status: 'RUNNING' }, { first: 10, after: null })).totalCount).toBe(0);
    });

    it('limits lists to a project scope: only its versions and runs, counted and paged as such', async () => {
      const [p1, p2] = [s.projects[1]!.id, s.projects[2]!.id];
      const versions = newestVersions(s.modelVersions.filter((m) => m.projectId === p1 || m.projectId === p2));
      const { items, pages } = await walk((p) => c.listModelVersions({ projectIds: [p1, p2] }, p), 40);
      expect(items.map((m) => m.id)).toEqual(versions.map((m) => m.id));
      for (const p of pages) expect(p.totalCount).toBe(versions.length);
      const champs = newestVersions(s.modelVersions.filter((m) => m.projectId === p1 && m.aliases.includes('champion')));
      expect((await c.listModelVersions({ projectIds: [p1], alias: 'champion' }, { first: 500, after: null })).items.map(normVersion)).toEqual(champs.map(expectedVersion));
      const runs = newestRuns(s.runs.filter((r) => r.projectId === p1));
      const first = await c.listRuns({ projectIds: [p1] }, { first: 10, after: null });
      expect(first.items.map(normRun)).toEqual(runs.slice(0, 10).map(expectedRun));
      expect(first.totalCount).toBe(runs.length);
      const otherExp = s.runs.find((r) => r.projectId === p2)!.experiment;
      expect((await c.listRuns({ projectIds: [p1], experiment: otherExp }, { first: 10, after: null })).totalCount).toBe(0);
      expect((await c.listModelVersions({ projectIds: [] }, { first: 10, after: null })).totalCount).toBe(0);
      expect((await c.listRuns({ projectIds: [] }, { first: 10, after: null })).totalCount).toBe(0);
      expect((await c.listModelVersions({ projectIds: ['no-such-project'] }, { first: 10, after: null })).totalCount).toBe(0);
    });

    it('feeds every version oldest change first, and from a watermark only the later changes', async () => {
      const { items } = await walk((p) => c.changedModelVersions(null, p), 100);
      expect(sorted(items.map((m) => m.id))).toEqual(sorted(s.modelVersions.map((m) => m.id)));
      for (let i = 1; i < items.length; i++) expect(items[i]!.updatedAt >= items[i - 1]!.updatedAt).toBe(true);
      for (const m of items) expect(Number.isNaN(Date.parse(m.updatedAt))).toBe(false);
      const byId = new Map(s.modelVersions.map((m) => [m.id, m]));
      for (const m of sample(items, 10)) expect(normVersion(m)).toEqual(expectedVersion(byId.get(m.id)!));
      // From a watermark in the middle: exactly the versions changed at or after it, in the same order.
      const since = items[Math.floor(items.length * 0.8)]!.updatedAt;
      const later = await walk((p) => c.changedModelVersions(since, p), 10);
      expect(later.items.map((m) => m.id)).toEqual(items.filter((m) => m.updatedAt >= since).map((m) => m.id));
      const future = new Date(Date.parse(items.at(-1)!.updatedAt) + 1).toISOString();
      expect((await c.changedModelVersions(future, { first: 10, after: null })).items).toEqual([]);
    });

    it.skipIf(!opts.requests)('batches: 5 or 50 ids cost the same constant number of platform requests', async () => {
      const count = async (f: () => Promise<unknown>) => {
        const before = opts.requests!();
        await f();
        return opts.requests!() - before;
      };
      const mv5 = await count(() => c.getModelVersions(sample(s.modelVersions, 5).map((m) => m.id)));
      const mv50 = await count(() => c.getModelVersions(sample(s.modelVersions, 50).map((m) => m.id)));
      const run5 = await count(() => c.getRuns(sample(s.runs, 5).map((r) => o.runId(r.id))));
      const run50 = await count(() => c.getRuns(sample(s.runs, 50).map((r) => o.runId(r.id))));
      const by50 = await count(() => c.modelVersionsByRuns(sample(s.runs, 50).map((r) => o.runId(r.id))));
      expect({ mv5, mv50, run5, run50 }).toEqual({ mv5: mv50, mv50, run5: run50, run50 });
      expect(mv50).toBeLessThanOrEqual(4);
      expect(run50).toBeLessThanOrEqual(3);
      expect(by50).toBeLessThanOrEqual(4);
    });

    // Runs after every read test: it changes one version's tags and aliases for good.
    it('marks a version deprecated: a tag naming the replacement, then its aliases removed; idempotent; false for unknown ids', async () => {
      expect(c.markDeprecated).toBeTypeOf('function');
      const mark = c.markDeprecated!.bind(c);
      const old = s.modelVersions.find((m) => m.aliases.length > 0 && s.modelVersions.some((x) => x.name === m.name && x.id !== m.id && x.aliases.length > 0))!;
      const replacement = s.modelVersions.find((x) => x.name === old.name && x.id !== old.id && x.aliases.length > 0)!;
      const read = async (id: string) => (await c.getModelVersions([id]))[0]!;

      const announcedAt = new Date().toISOString();
      expect(await mark(old.id, { replacementId: replacement.id, removeAliases: false, at: announcedAt })).toBe(true);
      const announced = await read(old.id);
      expect(normVersion(announced)).toEqual({ ...expectedVersion(old), tags: { ...old.tags, deprecated: replacement.id } });
      // A registry change the sync's feed reports from a watermark taken before it.
      expect(announced.updatedAt >= announcedAt).toBe(true);
      expect((await walk((p) => c.changedModelVersions(announcedAt, p), 50)).items.map((m) => m.id)).toContain(old.id);

      const effectiveAt = new Date().toISOString();
      expect(await mark(old.id, { replacementId: replacement.id, removeAliases: true, at: effectiveAt })).toBe(true);
      const effective = await read(old.id);
      expect(normVersion(effective)).toEqual({ ...expectedVersion(old), tags: { ...old.tags, deprecated: replacement.id }, aliases: [] });
      // Nothing else of the model moved: the replacement keeps its aliases.
      expect(normVersion(await read(replacement.id))).toEqual(expectedVersion(replacement));
      for (const alias of old.aliases) {
        expect((await c.listModelVersions({ name: old.name, alias }, { first: 10, after: null })).items.map((m) => m.id)).not.toContain(old.id);
      }
      if (opts.registryState) {
        const state = await opts.registryState(old.id);
        expect(state.tags.deprecated).toBe(replacement.id);
        expect(state.aliases).toEqual([]);
        expect(sorted((await opts.registryState(replacement.id)).aliases)).toEqual(sorted(replacement.aliases));
      }

      // The same change again, as a second process would send it: same answer, same state.
      expect(await mark(old.id, { replacementId: replacement.id, removeAliases: true, at: new Date().toISOString() })).toBe(true);
      expect(normVersion(await read(old.id))).toEqual(normVersion(effective));
      for (const unknown of ['no-such-model/1', `${old.name}/999`, 'no-slash', `it's/1`]) {
        expect(await mark(unknown, { replacementId: replacement.id, removeAliases: true, at: effectiveAt }), unknown).toBe(false);
      }
    });

    it.skipIf(!opts.stopPlatform)('platform down: every call fails with a ConnectorError naming training', async () => {
      await opts.stopPlatform!();
      const calls: [string, () => Promise<unknown>][] = [
        ['getModelVersions', () => c.getModelVersions([s.modelVersions[0]!.id])],
        ['getRuns', () => c.getRuns([o.runId(s.runs[0]!.id)])],
        ['modelVersionsByRuns', () => c.modelVersionsByRuns([o.runId(s.runs[0]!.id)])],
        ['listModelVersions', () => c.listModelVersions({}, { first: 5, after: null })],
        ['listRuns', () => c.listRuns({}, { first: 5, after: null })],
        ['changedModelVersions', () => c.changedModelVersions(null, { first: 5, after: null })],
        ['markDeprecated', () => c.markDeprecated!(s.modelVersions[0]!.id, { replacementId: s.modelVersions[1]!.id, removeAliases: true, at: new Date().toISOString() })],
      ];
      for (const [method, call] of calls) {
        const err = await call().then(
          () => new Error(`${method} answered while the platform was down`),
          (e: unknown) => e,
        );
        expect(err, method).toBeInstanceOf(ConnectorError);
        expect((err as ConnectorError).platform, method).toBe('training');
        expect((err as ConnectorError).kind, method).toBe('UNAVAILABLE');
      }
    });
  });
}
