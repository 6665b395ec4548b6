/**
 * The inbox's announced deprecations through the gateway: only ANNOUNCED ones, only those
 * touching the caller's projects, soonest effective date first, paged with cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import { releasableTargets } from './release-suite.ts';

const P = 'pump-anomaly';
const M = 'motor-vibration';
const DEPRECATE = `mutation($in: DeprecateModelVersionInput!) { deprecateModelVersion(input: $in) { errors { code message } deprecation { id } } }`;
const INBOX = `query($first: Int, $after: String) { deprecationInbox(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id status effectiveAt modelVersion { id } replacement { id } } } }`;

describe('deprecationInbox', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ targets: 80 });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the announced deprecations of the caller’s projects, soonest first, in pages', async () => {
    const [approver, viewer, motorViewer] = await Promise.all([token('arno.approver', { [P]: 'approver' }), token('vic.viewer', { [P]: 'viewer' }), token('mia.viewer', { [M]: 'viewer' })]);
    const picks = releasableTargets(stack.scenario).slice(0, 3);
    expect(picks).toHaveLength(3);
    const day = 86_400_000;
    // Announced in one order, effective in another: the inbox orders by the date that comes first.
    const dates = [3, 1, 2].map((d) => new Date(Date.now() + d * day).toISOString());
    const ids: string[] = [];
    for (const [i, p] of picks.entries()) {
      const r = await stack.query(DEPRECATE, { in: { modelVersionId: p.champion, replacementId: p.candidate, effectiveAt: dates[i], reason: 'superseded' } }, approver);
      expect(r.data.deprecateModelVersion.errors).toEqual([]);
      ids.push(r.data.deprecateModelVersion.deprecation.id);
    }
    // A withdrawn one is not in the inbox.
    const w = await stack.query(`mutation($id: ID!) { withdrawDeprecation(deprecationId: $id, reason: "postponed") { errors { code } } }`, { id: ids[2] }, approver);
    expect(w.data.withdrawDeprecation.errors).toEqual([]);

    const first = await stack.query(INBOX, { first: 1 }, viewer);
    expect(first.errors).toBeUndefined();
    expect(first.data.deprecationInbox).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(first.data.deprecationInbox.nodes).toEqual([{ id: ids[1], status: 'ANNOUNCED', effectiveAt: dates[1], modelVersion: { id: picks[1]!.champion }, replacement: { id: picks[1]!.candidate } }]);
    const second = await stack.query(INBOX, { first: 1, after: first.data.deprecationInbox.pageInfo.endCursor }, viewer);
    expect(second.data.deprecationInbox.nodes.map((n: any) => n.id)).toEqual([ids[0]]);
    expect(second.data.deprecationInbox.pageInfo.hasNextPage).toBe(false);

    // Another project's caller sees none of them; a bad page size is a client error.
    expect((await stack.query(INBOX, { first: 10 }, motorViewer)).data.deprecationInbox).toMatchObject({ totalCount: 0, nodes: [] });
    const bad = await stack.query(INBOX, { first: -1 }, viewer);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});
