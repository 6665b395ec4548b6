/**
 * Mutation integrity, replayed through the real gateway stack with the lineage graph and the
 * releases in the real Neo4j (from the global setup), with the findings of the review:
 * - the same idempotency key with another body answered with the first result;
 * - four-eyes comparing raw subjects (`Rita` approved `rita`'s release);
 * - refused anonymous or under-privileged mutations writing to Neo4j before failing;
 * - oversize ids reaching the database;
 * - an empty wave filter selecting every target of the project;
 * - webhook URLs pointing at loopback, private and link-local addresses.
 * "Nothing written" is counted on the database itself (every node, every relationship, and the
 * release labels), independently of the application.
 */
import { readFileSync } from 'node:fs';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { releasableTargets } from '../integration/release-suite.ts';

const P = 'pump-anomaly';
const RUN = Math.random().toString(36).slice(2, 8);
const conn = () => {
  const c = inject('neo4j');
  return { uri: c.uri, user: c.user, password: c.password };
};

const REQUEST = `mutation($in: RequestReleaseInput!) { requestRelease(input: $in) { errors { code message field } release { id status note } } }`;
const APPROVE = `mutation($id: ID!, $c: String, $k: String) { approveRelease(releaseId: $id, comment: $c, idempotencyKey: $k) { errors { code message field } release { id status approvals { approver } } } }`;
const POLICY = `mutation($p: ID!, $u: String, $k: String) { setReleasePolicy(projectId: $p, idempotencyKey: $k, policy: { requiredApprovals: 2, gateMetric: "f1", tolerance: 0.01, allowOverride: true, defaultStrategy: CANARY, defaultCanaryPercent: 10, webhookUrl: $u }) { errors { code message field } policy { webhookUrl } } }`;

/** Every node and relationship, and the labels the release workflow writes, counted on Neo4j. */
async function dbCounts(): Promise<Record<string, number>> {
  const c = conn();
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password), { disableLosslessIntegers: true });
  const session = driver.session({ database: 'neo4j', defaultAccessMode: neo4j.session.READ });
  try {
    const res = await session.run(`
      CALL { MATCH (n) RETURN count(n) AS nodes }
      CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
      CALL { MATCH (n:Release) RETURN count(n) AS releases }
      CALL { MATCH (n:Approval) RETURN count(n) AS approvals }
      CALL { MATCH (n:AuditEvent) RETURN count(n) AS auditEvents }
      CALL { MATCH (n:AuditHead) RETURN count(n) AS auditHeads }
      CALL { MATCH (n:IdempotencyKey) RETURN count(n) AS keys }
      RETURN nodes, relationships, releases, approvals, auditEvents, auditHeads, keys`);
    return res.records[0]!.toObject() as Record<string, number>;
  } finally {
    await session.close();
    await driver.close();
  }
}

/** A name other than localhost that the hosts file maps to 127.x (resolved by the system resolver), if any. */
function loopbackAlias(): string | null {
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!ip?.startsWith('127.')) continue;
    const name = names.find((n) => /^[A-Za-z][\w.-]*$/.test(n) && n !== 'localhost' && !n.endsWith('.localhost'));
    if (name) return name;
  }
  return null;
}

/** The code a refused mutation answers with: in the payload, or (anonymous access switched off) at the top. */
const refusal = (res: { data?: any; errors?: { extensions?: Record<string, unknown> }[] }, field: string) =>
  res.data?.[field]?.errors?.[0]?.code ?? res.errors?.[0]?.extensions?.code;

describe('mutation integrity through the gateway, on Neo4j', () => {
  let stack: Stack;
  let picks: ReturnType<typeof releasableTargets>;
  let next = 0;
  const pick = () => picks[next++ % picks.length]!;
  let rita: string, arno: string, ada: string, viewer: string;

  beforeAll(async () => {
    // Webhooks to private addresses are refused as in production (the embedded demo allows them).
    stack = await startStack({ targets: 120, neo4j: conn(), allowPrivateWebhooks: false });
    picks = releasableTargets(stack.scenario);
    [rita, arno, ada, viewer] = await Promise.all([
      token('rita', { [P]: 'approver' }),
      token(`arno.${RUN}`, { [P]: 'approver' }),
      token(`ada.${RUN}`, { [P]: 'admin' }),
      token(`vic.${RUN}`, { [P]: 'viewer' }),
    ]);
  }, 240_000);
  afterAll(async () => stack?.stop());

  const releaseCount = async () => (await stack.query(`{ releases(projectId: "${P}", first: 1) { totalCount } }`, {}, ada)).data.releases.totalCount as number;

  it('refuses the same idempotency key with another body, and replays it with the same body, writing nothing either way', async () => {
    const p = pick();
    const input = { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP', note: 'night shift', idempotencyKey: `sec-${RUN}-request` };
    const empty = await dbCounts();
    const first = await stack.query(REQUEST, { in: input }, rita);
    expect(first.data.requestRelease.errors).toEqual([]);
    const id = first.data.requestRelease.release.id;
    const before = await dbCounts();
    // The counts see what an applied request writes: one release, its audit event and head, its key.
    expect(before).toMatchObject({ releases: empty.releases! + 1, auditEvents: empty.auditEvents! + 1, auditHeads: empty.auditHeads! + 1, keys: empty.keys! + 1 });
    const releases = await releaseCount();

    const other = pick();
    const conflict = await stack.query(REQUEST, { in: { ...input, targetIds: [other.targetId], modelVersionId: other.candidate } }, rita);
    expect(conflict.data.requestRelease).toEqual({ release: null, errors: [{ code: 'IDEMPOTENCY_CONFLICT', message: expect.stringContaining('other arguments'), field: 'idempotencyKey' }] });
    const noteOnly = await stack.query(REQUEST, { in: { ...input, note: 'day shift' } }, rita);
    expect(noteOnly.data.requestRelease.errors[0].code).toBe('IDEMPOTENCY_CONFLICT');

    const replay = await stack.query(REQUEST, { in: input }, rita);
    expect(replay.data.requestRelease.errors).toEqual([]);
    expect(replay.data.requestRelease.release).toEqual({ id, status: 'PENDING_APPROVAL', note: 'night shift' });
    expect(await dbCounts()).toEqual(before);
    expect(await releaseCount()).toBe(releases);
  });

  it('does not let `Rita`, ` rita ` or `ｒｉｔａ` approve the release `rita` requested, and counts one approver once', async () => {
    const p = pick();
    const r = await stack.query(REQUEST, { in: { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP' } }, rita);
    const id = r.data.requestRelease.release.id;
    const before = await dbCounts();
    for (const sub of ['Rita', ' rita ', 'ｒｉｔａ', 'RITA']) {
      const t = await token(sub, { [P]: 'approver' });
      const res = await stack.query(APPROVE, { id, c: 'looks fine', k: `sec-${RUN}-own-${Buffer.from(sub).toString('hex')}` }, t);
      expect(res.data.approveRelease.errors[0]?.code, JSON.stringify(sub)).toBe('FOUR_EYES');
      const why = await stack.query(`query($id: ID!) { release(id: $id) { approvability { canApprove reason } } }`, { id }, t);
      expect(why.data.release.approvability).toEqual({ canApprove: false, reason: expect.stringContaining('four-eyes') });
    }
    expect(await dbCounts()).toEqual(before);

    expect((await stack.query(APPROVE, { id }, arno)).data.approveRelease.errors).toEqual([]);
    const again = await stack.query(APPROVE, { id }, await token(`ARNO.${RUN}`, { [P]: 'approver' }));
    expect(again.data.approveRelease.release).toMatchObject({ status: 'PENDING_APPROVAL', approvals: [{ approver: `arno.${RUN}` }] });
  });

  it('writes nothing to Neo4j for anonymous or under-privileged mutations: no release, no audit event, no key', async () => {
    const p = pick();
    const mine = await stack.query(REQUEST, { in: { modelVersionId: p.candidate, targetIds: [p.targetId], strategy: 'HOT_SWAP' } }, rita);
    const id = mine.data.requestRelease.release.id;
    const q = pick();
    const before = await dbCounts();
    const attempts: [string, string, Record<string, unknown>][] = [
      [REQUEST, 'requestRelease', { in: { modelVersionId: q.candidate, targetIds: [q.targetId], idempotencyKey: `sec-${RUN}-anon-req` } }],
      [REQUEST, 'requestRelease', { in: { modelVersionId: q.candidate, wave: { projectId: P, filter: { line: 'line-1' } }, idempotencyKey: `sec-${RUN}-anon-wave` } }],
      [APPROVE, 'approveRelease', { id, k: `sec-${RUN}-anon-approve` }],
      [APPROVE, 'approveRelease', { id: `rel-never-${RUN}`, k: `sec-${RUN}-anon-missing` }],
      [POLICY, 'setReleasePolicy', { p: P, u: null, k: `sec-${RUN}-anon-policy` }],
      [`mutation($id: ID!) { cancelRelease(releaseId: $id, idempotencyKey: "sec-${RUN}-anon-cancel") { errors { code } } }`, 'cancelRelease', { id }],
      [`mutation($t: ID!) { rollback(targetId: $t, reason: "x", idempotencyKey: "sec-${RUN}-anon-rollback") { errors { code } } }`, 'rollback', { t: q.targetId }],
    ];
    for (const [doc, field, vars] of attempts) {
      const anonymous = await stack.query(doc, vars);
      expect(refusal(anonymous, field), `anonymous ${field}`).toBe('UNAUTHENTICATED');
      const low = await stack.query(doc, vars, viewer);
      expect(['FORBIDDEN', 'NOT_FOUND'], `viewer ${field}`).toContain(refusal(low, field));
    }
    expect(await dbCounts()).toEqual(before);
  });

  it('refuses oversize ids, texts and lists with BAD_USER_INPUT naming the argument; graph and release counts unchanged', async () => {
    const p = pick();
    const before = await dbCounts();
    const releases = await releaseCount();
    const long = (n: number) => 'x'.repeat(n);
    const cases: [string, string, Record<string, unknown>, string][] = [
      [APPROVE, 'approveRelease', { id: long(5000) }, 'releaseId'],
      [APPROVE, 'approveRelease', { id: long(513), k: `sec-${RUN}-long` }, 'releaseId'],
      [REQUEST, 'requestRelease', { in: { modelVersionId: long(513), targetIds: [p.targetId] } }, 'modelVersionId'],
      [REQUEST, 'requestRelease', { in: { modelVersionId: p.candidate, targetIds: [long(513)] } }, 'targetIds'],
      [REQUEST, 'requestRelease', { in: { modelVersionId: p.candidate, targetIds: Array.from({ length: 1001 }, (_, i) => `t-${i}`) } }, 'targetIds'],
      [REQUEST, 'requestRelease', { in: { modelVersionId: p.candidate, targetIds: [p.targetId], note: long(2001) } }, 'note'],
      [REQUEST, 'requestRelease', { in: { modelVersionId: p.candidate, targetIds: [p.targetId], idempotencyKey: long(201) } }, 'idempotencyKey'],
      [`mutation($t: ID!) { rollback(targetId: $t, reason: "x") { errors { code message field } } }`, 'rollback', { t: long(513) }, 'targetId'],
      [POLICY, 'setReleasePolicy', { p: long(513) }, 'projectId'],
    ];
    for (const [doc, field, vars, argument] of cases) {
      const res = await stack.query(doc, vars, ada);
      expect(res.errors, argument).toBeUndefined();
      expect(res.data[field].errors, argument).toEqual([{ code: 'BAD_USER_INPUT', message: expect.stringContaining(argument), field: argument }]);
    }
    expect(await dbCounts()).toEqual(before);
    expect(await releaseCount()).toBe(releases);
  });

  it('refuses a wave with an empty or blank filter instead of selecting every target of the project', async () => {
    const before = await dbCounts();
    const base = 'pump-anomaly-fleet/2';
    for (const [filter, argument] of [
      [{ search: '' }, 'wave.filter.search'],
      [{ search: '   ' }, 'wave.filter.search'],
      [{}, 'wave.filter'],
      [null, 'wave.filter'],
    ] as const) {
      const res = await stack.query(REQUEST, { in: { modelVersionId: base, wave: { projectId: P, filter }, strategy: 'HOT_SWAP' } }, rita);
      expect(res.data.requestRelease.release, JSON.stringify(filter)).toBeNull();
      expect(res.data.requestRelease.errors, JSON.stringify(filter)).toEqual([{ code: 'BAD_USER_INPUT', message: expect.any(String), field: argument }]);
    }
    expect(await dbCounts()).toEqual(before);
  });

  it('refuses webhook URLs on loopback, private and link-local hosts (and names resolving there); the policy stays as it was', async () => {
    const policyNow = async () => (await stack.query(`{ project(id: "${P}") { policy { webhookUrl } } }`, {}, ada)).data.project.policy.webhookUrl;
    const was = await policyNow();
    const before = await dbCounts();
    const alias = loopbackAlias();
    const urls = [
      'http://127.0.0.1:8080/hook',
      'http://[::1]/hook',
      'http://localhost/hook',
      'http://10.0.0.8/hook',
      'http://172.20.1.1/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::10]/hook',
      'http://0.0.0.0/hook',
      'http://2130706433/hook',
      'file:///etc/passwd',
      ...(alias ? [`http://${alias}:8080/hook`] : []),
    ];
    for (const u of urls) {
      const res = await stack.query(POLICY, { p: P, u, k: `sec-${RUN}-hook-${urls.indexOf(u)}` }, ada);
      expect(res.data.setReleasePolicy.errors, u).toEqual([{ code: 'BAD_USER_INPUT', message: expect.stringContaining('policy.webhookUrl'), field: 'policy.webhookUrl' }]);
      expect(res.data.setReleasePolicy.policy, u).toBeNull();
    }
    expect(await policyNow()).toBe(was);
    expect(await dbCounts()).toEqual(before);
    // A public receiver is accepted (an IP literal: nothing to resolve on a machine without DNS).
    const ok = await stack.query(POLICY, { p: P, u: 'https://93.184.215.14/release-hook', k: `sec-${RUN}-hook-ok` }, ada);
    expect(ok.data.setReleasePolicy).toEqual({ errors: [], policy: { webhookUrl: 'https://93.184.215.14/release-hook' } });
    // and set back, so deliveries in this run go nowhere
    expect((await stack.query(POLICY, { p: P, u: null }, ada)).data.setReleasePolicy.errors).toEqual([]);
  });
});
