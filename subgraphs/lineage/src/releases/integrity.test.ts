/**
 * Mutation integrity, on both release stores (memory, and the real Neo4j from the global
 * setup): idempotency keys bound to (caller, operation, arguments) with expiry; four-eyes on
 * normalized identities; access checked before any write; argument lengths; explicit waves;
 * webhook URLs. "Nothing written" is proven by counting what the store holds before and after
 * (on Neo4j: every node and relationship in the database, and each release label).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BuiltinCatalogConnector } from '@mlops/connectors/catalog';
import { BuiltinInferenceConnector } from '@mlops/connectors/inference';
import { BuiltinMonitoringConnector } from '@mlops/connectors/monitoring';
import { BuiltinTrainingConnector } from '@mlops/connectors/training';
import { createLogger, getScenario, type Identity, type Role } from '@mlops/kit';
import type { Scenario } from '@mlops/kit/scenario';
import { MemoryLineageStore } from '../store/memory.ts';
import { Neo4jLineageStore } from '../store/neo4j.ts';
import { bindKey } from './idempotency.ts';
import { MemoryReleaseStore } from './memory-store.ts';
import { Neo4jReleaseStore } from './neo4j-store.ts';
import { ReleaseService, type Outcome } from './service.ts';
import type { Policy, ReleaseStore, ReleaseStoreOptions } from './types.ts';
import type { WebhookSender } from './webhooks.ts';

const P = 'pump-anomaly';
const logger = createLogger('t', 'silent');
const scenario = getScenario({ targets: 60 });
/** Unique per run, so the Neo4j data of one run never meets another's. */
const RUN = Math.random().toString(36).slice(2, 8);

const person = (sub: string, roles: Record<string, Role>, anonymous = false): Identity => ({ sub, name: sub, roles, anonymous });
const key = (name: string) => `k-${RUN}-${name}`;

/** Targets whose newest own candidate passes every gate (one serving model, no critical alert). */
function releasable(s: Scenario, projectId = P) {
  const critical = new Set(s.alerts.filter((a) => a.severity === 'CRITICAL' && !a.resolvedAt).map((a) => a.targetId));
  const out: { targetId: string; candidate: string; first: string }[] = [];
  for (const t of s.targets.filter((x) => x.projectId === projectId)) {
    if (critical.has(t.id)) continue;
    const serving = s.index.deploymentsByTarget.get(t.id)!.filter((d) => d.until === null);
    if (serving.length !== 1) continue;
    const champ = s.index.modelVersion.get(serving[0]!.modelVersionId)!;
    const own = s.modelVersions.filter((m) => m.targetId === t.id);
    const cand = own.filter((m) => m.aliases.includes('candidate') && m.createdAt > champ.createdAt).at(-1);
    const first = own.find((m) => m.version === 1);
    if (!cand || !first || champ.targetId !== t.id || cand.metrics.f1! < champ.metrics.f1! - 0.01) continue;
    out.push({ targetId: t.id, candidate: cand.id, first: first.id });
  }
  return out;
}

/** Records what would be sent; the sender itself is tested against a real receiver in webhooks.test.ts. */
class RecordingSender implements WebhookSender {
  readonly sent: { url: string | null; type: string }[] = [];
  send(url: string | null, e: { type: string }) {
    this.sent.push({ url, type: e.type });
  }
  async drain() {}
}

interface Harness {
  service: (opts?: { allowPrivateWebhooks?: boolean; resolveHost?: (h: string) => Promise<string[]> }, store?: ReleaseStore) => ReleaseService;
  store: ReleaseStore;
  /** Another release store of the same kind (over the same database), e.g. with a short key TTL. */
  storeWith(opts: ReleaseStoreOptions): ReleaseStore;
  /** Whether a key id is stored at all, expired or not. */
  hasKey(store: ReleaseStore, id: string): Promise<boolean>;
  /** Everything the store holds that a write could change. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<Harness> {
  const graph = await MemoryLineageStore.fromScenario(scenario);
  const store = new MemoryReleaseStore();
  return {
    store,
    storeWith: (o) => new MemoryReleaseStore(o),
    hasKey: async (s, id) => (s as MemoryReleaseStore).keys.has(id),
    service: (o = {}, s = store) => new ReleaseService(graph, s, platforms(), new RecordingSender(), logger, o),
    async counts() {
      const releases = (await store.listReleases({ projectIds: null }, { first: 1, after: null })).totalCount;
      const all = (await store.listReleases({ projectIds: null }, { first: 10_000, after: null })).items;
      return {
        releases,
        approvals: all.reduce((n, r) => n + r.approvals.length, 0),
        auditEvents: [...store.events.values()].reduce((n, l) => n + l.length, 0),
        auditedEntities: store.events.size,
        keys: store.keys.size,
        graphNodes: (await graph.counts()).nodes,
      };
    },
    close: async () => {},
  };
}

async function neo4jHarness(): Promise<Harness> {
  const c = inject('neo4j');
  const db = new Neo4jLineageStore({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' }, logger);
  await db.init(); // migrations: the unique constraint on IdempotencyKey.key the key lock relies on
  const graph = await MemoryLineageStore.fromScenario(scenario);
  const store = new Neo4jReleaseStore(db.ex);
  return {
    store,
    storeWith: (o) => new Neo4jReleaseStore(db.ex, o),
    async hasKey(_s, id) {
      const [rows] = await db.ex.read({ cypher: 'MATCH (k:IdempotencyKey {key: $id}) RETURN count(k) AS n', params: { id } });
      return rows![0]!.n > 0;
    },
    service: (o = {}, s = store) => new ReleaseService(graph, s, platforms(), new RecordingSender(), logger, o),
    async counts() {
      const [rows] = await db.ex.read({
        cypher: `CALL { MATCH (n) RETURN count(n) AS nodes }
          CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
          CALL { MATCH (n:Release) RETURN count(n) AS releases }
          CALL { MATCH (n:Approval) RETURN count(n) AS approvals }
          CALL { MATCH (n:AuditEvent) RETURN count(n) AS auditEvents }
          CALL { MATCH (n:AuditHead) RETURN count(n) AS auditHeads }
          CALL { MATCH (n:IdempotencyKey) RETURN count(n) AS keys }
          RETURN nodes, relationships, releases, approvals, auditEvents, auditHeads, keys`,
        params: {},
      });
      return rows![0] as Record<string, number>;
    },
    close: () => db.close(),
  };
}

const platforms = () => ({
  training: new BuiltinTrainingConnector(scenario),
  catalog: new BuiltinCatalogConnector(scenario),
  inference: new BuiltinInferenceConnector(scenario),
  monitoring: new BuiltinMonitoringConnector(scenario),
});

const codes = (o: { errors: { code: string }[] }) => o.errors.map((e) => e.code);
const POLICY: Policy = { requiredApprovals: 2, gateMetric: 'f1', tolerance: 0.01, allowOverride: true, defaultStrategy: 'HOT_SWAP', defaultCanaryPercent: 10, webhookUrl: null };

describe.each([
  ['memory', memoryHarness],
  ['neo4j', neo4jHarness],
] as const)('mutation integrity on the %s release store', (_name, make) => {
  let h: Harness;
  let svc: ReleaseService;
  let picks: ReturnType<typeof releasable>;
  let next = 0;
  const pick = () => picks[next++ % picks.length]!;
  // Per run, so keys and four-eyes checks never meet another run's data in Neo4j.
  const rita = person(`rita.${RUN}`, { [P]: 'approver' });
  const arno = person(`arno.${RUN}`, { [P]: 'approver' });
  const beth = person(`beth.${RUN}`, { [P]: 'approver' });
  const ada = person(`ada.${RUN}`, { [P]: 'admin' });
  const vic = person(`vic.viewer.${RUN}`, { [P]: 'viewer' });
  const anon = person('anonymous', { '*': 'admin' }, true);

  beforeAll(async () => {
    h = await make();
    svc = h.service();
    picks = releasable(scenario);
    expect(picks.length).toBeGreaterThan(4);
  }, 120_000);
  afterAll(async () => h?.close());

  const request = (who: Identity, extra: Record<string, unknown> = {}, k: string | null = null) => {
    const p = pick();
    return svc.request(who, { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP', idempotencyKey: k, ...extra });
  };
  const fresh = async (who = rita) => {
    const r = await request(who);
    expect(r.errors).toEqual([]);
    return r.releaseId!;
  };

  describe('idempotency keys', () => {
    it('answers the same key and arguments with the first result and writes nothing again', async () => {
      const p = pick();
      const input = { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP' as const, note: 'first', idempotencyKey: key('same') };
      const first = await svc.request(rita, input);
      expect(first.errors).toEqual([]);
      const after = await h.counts();
      // null and absent arguments are the same request
      const again = await svc.request(rita, { ...input, canaryPercent: null });
      expect(again).toEqual(first);
      expect(await h.counts()).toEqual(after);
      const trail = await h.store.auditTrail(first.releaseId!, { first: 10, after: null });
      expect(trail.items.map((e) => e.action)).toEqual(['release.requested']);
    });

    it('refuses the same key with other arguments (IDEMPOTENCY_CONFLICT naming the key), writing nothing', async () => {
      const p = pick();
      const input = { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP' as const, note: 'v1', idempotencyKey: key('conflict') };
      const first = await svc.request(rita, input);
      expect(first.errors).toEqual([]);
      const before = await h.counts();
      const other = pick();
      for (const changed of [{ note: 'v2' }, { note: null }, { targetIds: [other.targetId], modelVersionId: other.candidate }, { strategy: 'CANARY' as const, canaryPercent: 5 }]) {
        const res = await svc.request(rita, { ...input, ...changed });
        expect(res, JSON.stringify(changed)).toEqual({ releaseId: null, errors: [{ code: 'IDEMPOTENCY_CONFLICT', message: expect.stringContaining('other arguments'), field: 'idempotencyKey' }] });
      }
      // the same for a transition: approve with one comment, then the same key with another
      const a = await svc.approve(arno, first.releaseId!, 'looks good', key('approve-conflict'));
      expect(a.errors).toEqual([]);
      const mid = await h.counts();
      expect(codes(await svc.approve(arno, first.releaseId!, 'changed my mind', key('approve-conflict')))).toEqual(['IDEMPOTENCY_CONFLICT']);
      expect(await h.counts()).toEqual(mid);
      expect(mid.auditEvents).toBe(before.auditEvents! + 1);
    });

    it('keeps keys per caller and per operation', async () => {
      const k = key('shared');
      const r1 = await request(rita, {}, k);
      const r2 = await request(arno, {}, k); // another caller, another body: not a conflict
      expect(r1.errors).toEqual([]);
      expect(r2.errors).toEqual([]);
      expect(r2.releaseId).not.toBe(r1.releaseId);
      // the same key for another operation of the same caller
      const c = await svc.cancel(rita, r1.releaseId!, 'moved', k);
      expect(c.errors).toEqual([]);
      // normalized caller: `RITA.<run>` is rita, so her key space is rita's
      const shout = person(rita.sub.toUpperCase(), rita.roles);
      expect(codes(await request(shout, {}, k))).toEqual(['IDEMPOTENCY_CONFLICT']);
    });

    it('stores no key for a refused call, so a corrected retry with the same key applies', async () => {
      const p = pick();
      const k = key('corrected');
      const before = await h.counts();
      const bad = await svc.request(rita, { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'CANARY', canaryPercent: 0, idempotencyKey: k });
      expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
      expect(await h.counts()).toEqual(before);
      const good = await svc.request(rita, { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'CANARY', canaryPercent: 10, idempotencyKey: k });
      expect(good.errors).toEqual([]);

      // A refusal decided inside the store transaction (gates failed) stores no key either.
      const g = pick();
      const failing = await svc.request(rita, { modelVersionId: g.first, targetIds: [g.targetId], strategy: 'HOT_SWAP' });
      expect(failing.errors).toEqual([]);
      const id = failing.releaseId!;
      expect((await h.store.getReleases([id]))[0]!.gates.every((x) => x.passed)).toBe(false);
      const k2 = key('after-override');
      const mid = await h.counts();
      expect(codes(await svc.approve(arno, id, 'first try', k2))).toEqual(['GATES_FAILED']);
      expect(await h.counts()).toEqual(mid);
      expect((await svc.overrideGates(ada, id, 'accepted risk for the trial line', null)).errors).toEqual([]);
      const retry = await svc.approve(arno, id, 'after the override', k2);
      expect(retry.errors).toEqual([]);
      const [doc] = await h.store.getReleases([id]);
      expect(doc!.approvals.map((x) => x.comment)).toEqual(['after the override']);
    });

    it('expires keys after the TTL (then the key is free again) and prunes expired keys only', async () => {
      // A store with a one-minute TTL and its own clock: pruning then touches only keys that
      // are really expired, never the live keys of anyone else using the database.
      const clock = { ms: Date.now() };
      const short = h.storeWith({ keyTtlMs: 60_000, nowMs: () => clock.ms });
      const s = h.service({}, short);
      const p = pick();
      const k = key('expiring');
      const ask = (note: string, raw = k) => s.request(rita, { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP', note, idempotencyKey: raw });
      const first = await ask('before expiry');
      expect(first.errors).toEqual([]);
      expect(codes(await ask('other body'))).toEqual(['IDEMPOTENCY_CONFLICT']);
      const left = await ask('left to expire', key('left-to-expire'));
      expect(left.errors).toEqual([]);
      const leftId = bindKey(rita.sub, 'request', key('left-to-expire'), {})!.id;
      const liveElsewhere = await request(rita, {}, key('default-ttl')); // 24 h key, same database
      clock.ms += 61_000;
      const later = await ask('after expiry');
      expect(later.errors).toEqual([]);
      expect(later.releaseId).not.toBe(first.releaseId);
      expect(await h.hasKey(short, leftId)).toBe(true); // expired, ignored, still stored
      expect(await short.pruneKeys()).toBeGreaterThanOrEqual(1);
      expect(await h.hasKey(short, leftId)).toBe(false);
      // the key re-stored after expiry is live and answers its retry; the 24 h key is untouched
      expect(await ask('after expiry')).toEqual(later);
      expect(codes(await ask('before expiry'))).toEqual(['IDEMPOTENCY_CONFLICT']);
      expect(await h.hasKey(h.store, bindKey(rita.sub, 'request', key('default-ttl'), {})!.id)).toBe(true);
      expect(liveElsewhere.errors).toEqual([]);
    });

    it('lets exactly one of two concurrent calls with one key apply', async () => {
      const p = pick();
      const input = { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP' as const, idempotencyKey: key('race') };
      const before = await h.counts();
      const [a, b] = await Promise.all([svc.request(rita, input), svc.request(rita, input)]);
      expect(a.errors).toEqual([]);
      expect(b).toEqual(a);
      expect((await h.counts()).releases).toBe(before.releases! + 1);
      const q = pick();
      const k = key('race-2');
      const [c, d] = await Promise.all([
        svc.request(rita, { modelVersionId: q.candidate, targetIds: [q.targetId], note: 'one', idempotencyKey: k }),
        svc.request(rita, { modelVersionId: q.candidate, targetIds: [q.targetId], note: 'two', idempotencyKey: k }),
      ]);
      expect([codes(c), codes(d)].sort()).toEqual([[], ['IDEMPOTENCY_CONFLICT']]);
    });
  });

  describe('four-eyes on normalized identities', () => {
    it('never lets the requester approve or reject their own release, however the subject is spelled', async () => {
      const req = person(`rita.${RUN}`, { [P]: 'approver' });
      const id = await fresh(req);
      const before = await h.counts();
      const spellings = [`Rita.${RUN}`, ` rita.${RUN} `, `RITA.${RUN}`, `ｒｉｔａ.${RUN}`, `rita.${RUN}\u3000`];
      for (const sub of spellings) {
        const me = person(sub, { [P]: 'approver' });
        expect(codes(await svc.approve(me, id, null, null)), JSON.stringify(sub)).toEqual(['FOUR_EYES']);
        expect(codes(await svc.reject(me, id, 'no', null)), JSON.stringify(sub)).toEqual(['FOUR_EYES']);
      }
      expect(await h.counts()).toEqual(before);
      // and the same person may cancel their own release, under any spelling
      expect((await svc.cancel(person(`ＲＩＴＡ.${RUN}`, { [P]: 'requester' }), id, 'not needed', null)).errors).toEqual([]);
    });

    it('never counts one person as two approvers', async () => {
      const id = await fresh(rita);
      expect((await svc.approve(arno, id, 'ok', null)).errors).toEqual([]);
      for (const sub of [`Arno.${RUN}`, ` arno.${RUN}`, `ａｒｎｏ.${RUN}`]) {
        expect((await svc.approve(person(sub, { [P]: 'approver' }), id, 'me again', null)).errors).toEqual([]);
      }
      let [doc] = await h.store.getReleases([id]);
      expect(doc!.status).toBe('PENDING_APPROVAL');
      expect(doc!.approvals).toHaveLength(1);
      expect((await svc.approve(beth, id, 'ok', null)).errors).toEqual([]);
      [doc] = await h.store.getReleases([id]);
      expect(doc!.status).toBe('APPROVED');
    });
  });

  describe('access before any write', () => {
    it('writes nothing for anonymous or under-privileged callers, keys included', async () => {
      const id = await fresh(rita);
      const g = pick();
      const gatesFailing = (await svc.request(rita, { modelVersionId: g.first, targetIds: [g.targetId], strategy: 'HOT_SWAP' })).releaseId!;
      const p = pick();
      const before = await h.counts();
      const calls = (who: Identity, tag: string) => [
        () => svc.request(who, { modelVersionId: p.candidate, targetIds: [p.targetId], idempotencyKey: key(`${tag}-req`) }),
        () => svc.request(who, { modelVersionId: p.candidate, wave: { projectId: P, filter: { line: 'line-1' } }, idempotencyKey: key(`${tag}-wave`) }),
        () => svc.approve(who, id, 'ok', key(`${tag}-approve`)),
        () => svc.reject(who, id, 'no', key(`${tag}-reject`)),
        () => svc.overrideGates(who, gatesFailing, 'because', key(`${tag}-override`)),
        () => svc.cancel(who, id, 'stop', key(`${tag}-cancel`)),
        () => svc.startRollout(who, id, key(`${tag}-rollout`)),
        () => svc.promote(who, id, key(`${tag}-promote`)),
        () => svc.rollback(who, p.targetId, 'bad', key(`${tag}-rollback`)),
        () => svc.approve(who, `rel-missing-${RUN}`, 'ok', key(`${tag}-missing`)),
        async () => {
          const r = await svc.setPolicy(who, P, POLICY, key(`${tag}-policy`));
          return { releaseId: null, errors: r.errors } as Outcome;
        },
      ];
      for (const c of calls(anon, 'anon')) expect(codes(await c())).toEqual(['UNAUTHENTICATED']);
      for (const c of calls(vic, 'viewer')) expect(['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE']).toContain(codes(await c())[0]);
      const outsider = person(`olga.${RUN}`, { 'motor-vibration': 'admin' });
      for (const c of calls(outsider, 'outsider')) expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codes(await c())[0]);
      // Refusals decided inside the store transaction write nothing either.
      expect(codes(await svc.startRollout(rita, id, key('early-rollout')))).toEqual(['INVALID_STATE']);
      expect(codes(await svc.approve(rita, id, null, key('own')))).toEqual(['FOUR_EYES']);
      expect(await h.counts()).toEqual(before);
    });
  });

  describe('argument sizes', () => {
    it('refuses oversize ids, texts, keys and lists with BAD_USER_INPUT naming the argument, writing nothing', async () => {
      const id = await fresh(rita);
      const p = pick();
      const long = (n: number) => 'x'.repeat(n);
      const before = await h.counts();
      const cases: [string, () => Promise<{ errors: { code: string; field: string | null }[] }>][] = [
        ['modelVersionId', () => svc.request(rita, { modelVersionId: long(513), targetIds: [p.targetId] })],
        ['targetIds', () => svc.request(rita, { modelVersionId: p.candidate, targetIds: [long(513)] })],
        ['targetIds', () => svc.request(rita, { modelVersionId: p.candidate, targetIds: Array.from({ length: 1001 }, () => p.targetId) })],
        ['wave.projectId', () => svc.request(rita, { modelVersionId: p.candidate, wave: { projectId: long(513), filter: { line: 'line-1' } } })],
        ['wave.filter.search', () => svc.request(rita, { modelVersionId: p.candidate, wave: { projectId: P, filter: { search: long(201) } } })],
        ['note', () => svc.request(rita, { modelVersionId: p.candidate, targetIds: [p.targetId], note: long(2001) })],
        ['idempotencyKey', () => svc.request(rita, { modelVersionId: p.candidate, targetIds: [p.targetId], idempotencyKey: long(201) })],
        ['releaseId', () => svc.approve(arno, long(513), null, null)],
        ['comment', () => svc.approve(arno, id, long(2001), null)],
        ['comment', () => svc.reject(arno, id, long(2001), null)],
        ['reason', () => svc.overrideGates(ada, id, long(2001), null)],
        ['reason', () => svc.cancel(rita, id, long(2001), null)],
        ['releaseId', () => svc.startRollout(rita, long(100_000), null)],
        ['releaseId', () => svc.promote(rita, long(513), null)],
        ['targetId', () => svc.rollback(rita, long(513), 'bad', null)],
        ['reason', () => svc.rollback(rita, p.targetId, long(2001), null)],
        ['projectId', () => svc.setPolicy(ada, long(513), POLICY, null)],
        ['idempotencyKey', () => svc.setPolicy(ada, P, POLICY, long(201))],
      ];
      for (const [field, call] of cases) {
        const res = await call();
        expect(res.errors, field).toEqual([{ code: 'BAD_USER_INPUT', message: expect.stringContaining(field), field }]);
      }
      expect(await h.counts()).toEqual(before);
      // The limits are limits, not off by one: 512 characters is an id (just not a known one).
      expect(codes(await svc.approve(arno, long(512), null, null))).toEqual(['NOT_FOUND']);
      expect((await svc.approve(arno, id, long(2000), key('long-comment'))).errors).toEqual([]);
    });
  });

  describe('waves select explicitly', () => {
    it('refuses a missing, empty or blank wave filter with BAD_USER_INPUT naming it', async () => {
      const p = pick();
      const before = await h.counts();
      const cases: [unknown, string][] = [
        [null, 'wave.filter'],
        [{}, 'wave.filter'],
        [{ search: null, line: null }, 'wave.filter'],
        [{ search: '' }, 'wave.filter.search'],
        [{ search: '   ' }, 'wave.filter.search'],
        [{ search: '\t\n' }, 'wave.filter.search'],
        [{ line: '' }, 'wave.filter.line'],
        [{ plant: ' ' }, 'wave.filter.plant'],
        [{ line: 'line-1', search: '' }, 'wave.filter.search'],
      ];
      for (const [filter, field] of cases) {
        const res = await svc.request(rita, { modelVersionId: p.candidate, wave: { projectId: P, filter: filter as never }, strategy: 'HOT_SWAP' });
        expect(res.errors, JSON.stringify(filter)).toEqual([{ code: 'BAD_USER_INPUT', message: expect.any(String), field }]);
      }
      expect(await h.counts()).toEqual(before);
      // a real criterion selects: the wave of one line becomes one release over that line's targets
      const line = scenario.targets.find((t) => t.projectId === P)!.line;
      const ok = await svc.request(rita, { modelVersionId: 'pump-anomaly-fleet/2', wave: { projectId: P, filter: { line } }, strategy: 'HOT_SWAP' });
      expect(ok.errors).toEqual([]);
      const [doc] = await h.store.getReleases([ok.releaseId!]);
      expect(doc!.targets.map((t) => t.targetId).sort()).toEqual(scenario.targets.filter((t) => t.projectId === P && t.line === line).map((t) => t.id).sort());
    });
  });

  describe('webhook URLs in the release policy', () => {
    const set = (s: ReleaseService, url: string | null) => s.setPolicy(ada, P, { ...POLICY, webhookUrl: url }, null);

    it('refuses non-http(s) and loopback, private, link-local and resolving-to-private hosts, writing nothing', async () => {
      const dns: Record<string, string[]> = { 'hooks.internal.example': ['10.20.30.40'], 'mixed.example': ['93.184.215.14', 'fd12::1'], 'hooks.example.com': ['93.184.215.14'] };
      const s = h.service({ resolveHost: async (host) => dns[host] ?? Promise.reject(new Error('ENOTFOUND')) });
      const before = await h.counts();
      for (const url of [
        'ftp://hooks.example.com/x',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'not a url',
        'http://127.0.0.1:8080/hook',
        'http://127.1/',
        'http://2130706433/',
        'http://0x7f.0.0.1/',
        'http://0.0.0.0/',
        'http://10.1.2.3/',
        'http://172.16.0.1/',
        'http://172.31.255.254/',
        'http://192.168.1.10/',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://[fc00::1]/',
        'http://[fd00::1]/',
        'http://[fe80::1]/',
        'http://localhost:9000/',
        'http://LOCALHOST./',
        'http://hooks.localhost/',
        'https://hooks.internal.example/x',
        'https://mixed.example/x',
        'https://does-not-resolve.example/x',
        `https://hooks.example.com/${'x'.repeat(2100)}`,
      ]) {
        const res = await set(s, url);
        expect(res.errors, url).toEqual([{ code: 'BAD_USER_INPUT', message: expect.stringContaining('policy.webhookUrl'), field: 'policy.webhookUrl' }]);
        expect(res.policy).toBeNull();
      }
      expect(await h.counts()).toEqual(before);
      // public hosts are fine; the resolved address stays out of the message
      expect((await set(s, 'https://hooks.example.com/release')).errors).toEqual([]);
      expect((await set(s, 'http://93.184.215.14:8443/release')).errors).toEqual([]);
      expect((await set(s, 'https://hooks.internal.example/x')).errors[0]!.message).not.toContain('10.20.30.40');
    });

    it('accepts private receivers only when the deployment allows them, and http(s) only even then', async () => {
      const open = h.service({ allowPrivateWebhooks: true });
      expect((await set(open, 'http://127.0.0.1:8080/hook')).errors).toEqual([]);
      expect((await set(open, 'http://localhost:8080/hook')).errors).toEqual([]);
      expect(codes(await set(open, 'gopher://127.0.0.1/'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await set(svc, 'http://127.0.0.1:8080/hook'))).toEqual(['BAD_USER_INPUT']);
      // leave the project without a webhook for whoever uses this database next
      expect((await set(svc, null)).errors).toEqual([]);
    });
  });
});
