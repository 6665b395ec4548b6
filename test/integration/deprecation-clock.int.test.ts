/**
 * A deprecation takes effect on its date without anyone asking: the lineage service's
 * deprecation clock makes an ANNOUNCED deprecation whose date has passed EFFECTIVE as the
 * system actor (audited in the same verified trail), even with targets still on the version,
 * and removes the version's aliases in the registry. Nothing happens before the date, a second
 * check changes nothing, and two checks racing make one transition. On Neo4j and in memory; then
 * once more with the timer itself switched on.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { Neo4jLineageStore } from '@mlops/subgraph-lineage/store';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { releasableTargets } from './release-suite.ts';

const P = 'pump-anomaly';
const ACTOR = 'system:deprecation-clock';
const DEPRECATE = `mutation($in: DeprecateModelVersionInput!) { deprecateModelVersion(input: $in) { errors { code message field } deprecation { id status } } }`;
const DEP = `query($id: ID!) { deprecation(id: $id) { id status stillLeft { target { id } } } }`;
const TRAIL = `query($id: ID!) { auditTrail(entityId: $id) { nodes { action actor reason } } verifyAuditTrail(entityId: $id) { valid events } }`;
const REGISTRY = `query($mv: ID!) { modelVersion(id: $mv) { aliases tags { key value } deprecation { id status } } }`;

/** Waits for a date to pass (the deprecation's): not a timing assertion, the precondition of the check. */
const until = (iso: string) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(iso) - Date.now() + 100)));

async function onNeo4j(): Promise<Stack> {
  const c = inject('neo4j');
  const conn = { uri: c.uri, user: c.user, password: c.password };
  const fresh = new Neo4jLineageStore({ ...conn, database: 'neo4j' }, createLogger('test', 'silent'));
  await fresh.init();
  await fresh.wipe();
  await fresh.close();
  return startStack({ targets: 60, neo4j: conn, neo4jQueryTimeoutMs: 30_000 });
}

describeClock('Neo4j', onNeo4j);
describeClock('the in-memory store', () => startStack({ targets: 60 }));

function describeClock(name: string, start: () => Promise<Stack>) {
  describe(`deprecations take effect on their date, on ${name}`, () => {
    let stack: Stack;
    let approver: string, viewer: string;

    beforeAll(async () => {
      stack = await start();
      [approver, viewer] = await Promise.all([token('arno.approver', { [P]: 'approver' }), token('vic.viewer', { [P]: 'viewer' })]);
    }, 240_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it('not before the date; after it once, as the system, with targets still left; racing checks make one transition', async () => {
      const [a] = releasableTargets(stack.scenario);
      const { champion: old, candidate: repl, targetId } = a!;
      const before = await stack.query(REGISTRY, { mv: old }, viewer);
      expect(before.data.modelVersion.aliases.length).toBeGreaterThan(0);
      // Far enough ahead that the announcement and the first check surely come before the date
      // on a loaded machine (a cold Neo4j traversal takes seconds).
      const effectiveAt = new Date(Date.now() + 12_000).toISOString();
      const d = await stack.query(DEPRECATE, { in: { modelVersionId: old, replacementId: repl, effectiveAt, reason: 'superseded by the retrained model' } }, approver);
      expect(d.data.deprecateModelVersion.errors).toEqual([]);
      const id = d.data.deprecateModelVersion.deprecation.id;

      // The timer is off in this stack (interval 0): checks run when the test says.
      expect(await stack.deprecationClock.runOnce()).toEqual([]);
      expect((await stack.query(DEP, { id }, viewer)).data.deprecation.status).toBe('ANNOUNCED');

      await until(effectiveAt);
      // Two checks at once, as two lineage processes would run them: one transition between them.
      const [one, two] = await Promise.all([stack.deprecationClock.runOnce(), stack.backend.releases.deprecations.effectDue()]);
      expect([...one, ...two]).toEqual([id]);
      const after = await stack.query(DEP, { id }, viewer);
      expect(after.data.deprecation.status).toBe('EFFECTIVE');
      // Nobody moved the target: the date still wins, and the audit says what was left.
      expect(after.data.deprecation.stillLeft.map((t: any) => t.target.id)).toContain(targetId);
      const trail = await stack.query(TRAIL, { id }, viewer);
      expect(trail.data.verifyAuditTrail).toEqual({ valid: true, events: 2 });
      expect(trail.data.auditTrail.nodes.map((n: any) => [n.action, n.actor])).toEqual([
        ['deprecation.announced', 'arno.approver'],
        ['deprecation.effective', ACTOR],
      ]);
      expect(trail.data.auditTrail.nodes[1].reason).toContain(targetId);

      // The registry (built-in, through the connector) carries it: tag naming the replacement, no aliases.
      const reg = await stack.query(REGISTRY, { mv: old }, viewer);
      expect(reg.data.modelVersion).toMatchObject({ aliases: [], deprecation: { id, status: 'EFFECTIVE' } });
      expect(reg.data.modelVersion.tags).toContainEqual({ key: 'deprecated', value: repl });

      // Idempotent: a later check finds nothing due and writes nothing.
      expect(await stack.deprecationClock.runOnce()).toEqual([]);
      expect((await stack.query(TRAIL, { id }, viewer)).data.verifyAuditTrail.events).toBe(2);
    }, 120_000);

    it('leaves withdrawn deprecations alone', async () => {
      const { champion: old, candidate: repl } = releasableTargets(stack.scenario)[1]!;
      const effectiveAt = new Date(Date.now() + 4000).toISOString();
      const d = await stack.query(DEPRECATE, { in: { modelVersionId: old, replacementId: repl, effectiveAt, reason: 'superseded' } }, approver);
      const id = d.data.deprecateModelVersion.deprecation.id;
      const w = await stack.query(`mutation($id: ID!) { withdrawDeprecation(deprecationId: $id, reason: "postponed") { errors { code } } }`, { id }, approver);
      expect(w.data.withdrawDeprecation.errors).toEqual([]);
      await until(effectiveAt);
      expect(await stack.deprecationClock.runOnce()).toEqual([]);
      expect((await stack.query(DEP, { id }, viewer)).data.deprecation.status).toBe('WITHDRAWN');
      expect((await stack.query(REGISTRY, { mv: old }, viewer)).data.modelVersion.aliases.length).toBeGreaterThan(0);
    }, 60_000);
  });
}

describe('the deprecation clock’s timer, switched on', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ targets: 60, deprecationCheckMs: 200 });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('makes a deprecation EFFECTIVE by itself once its date has passed', async () => {
    const approver = await token('arno.approver', { [P]: 'approver' });
    const { champion: old, candidate: repl } = releasableTargets(stack.scenario)[0]!;
    const effectiveAt = new Date(Date.now() + 3000).toISOString();
    const d = await stack.query(DEPRECATE, { in: { modelVersionId: old, replacementId: repl, effectiveAt, reason: 'superseded' } }, approver);
    const id = d.data.deprecateModelVersion.deprecation.id;
    // Polls the public API until the timer has acted; the test bounds the wait, it asserts no time.
    let status = 'ANNOUNCED';
    for (let i = 0; i < 300 && status === 'ANNOUNCED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await stack.query(DEP, { id }, approver)).data.deprecation.status;
    }
    expect(status).toBe('EFFECTIVE');
    const trail = await stack.query(TRAIL, { id }, approver);
    expect(trail.data.auditTrail.nodes.at(-1)).toMatchObject({ action: 'deprecation.effective', actor: ACTOR });
    expect(trail.data.verifyAuditTrail.valid).toBe(true);
  }, 60_000);
});
