/**
 * Builders are data: snapshot the Cypher text (no database), and check that hostile values
 * only ever travel as parameters while the few literals (hop bounds, directions) are allow-listed.
 */
import { describe, expect, it } from 'vitest';
import * as R from './reads.ts';
import * as W from './writes.ts';
import * as C from './releases.ts';
import { bound } from './query.ts';

const HOSTILE = "x'}) DETACH DELETE n //";

describe('cypher builders', () => {
  it('snapshot: list targets, trainedOn, reusedBy, expand, impact, usedBy, writes', () => {
    expect(
      R.listTargets([
        { projectId: 'p', projectIds: null, line: null, plant: null, search: 'PUMP', skip: 0, limit: 20 },
        { projectId: 'q', projectIds: null, line: null, plant: null, search: 'motor', skip: 20, limit: 10 },
      ]),
    ).toMatchSnapshot();
    expect(R.trainedOn(['m/1'], 3)).toMatchSnapshot();
    expect(R.reusedBy(['m/1', 'm/2'], 101)).toMatchSnapshot();
    expect(R.expand([['m/1'], ['m/2', 't']], 'DOWNSTREAM', null, 100)).toMatchSnapshot();
    expect(R.expand([['m/1']], 'UPSTREAM', '2026-01-01T00:00:00.000Z', 100)).toMatchSnapshot();
    expect(R.impact.rollback(['m/1'])).toMatchSnapshot();
    expect(R.nodesByIds(['m/1', 'p'])).toMatchSnapshot();
    expect(R.usedBy(['d@sha256:1'])).toMatchSnapshot();
    expect(W.upsertDeployments([{ id: 'd#1', targetId: 't', modelVersionId: 'm/1', from: 'a', to: null, trafficPercent: 100, state: 'ACTIVE' }], 'inference', 'now')).toMatchSnapshot();
  });

  it('keeps every value in params, never in the Cypher text', () => {
    const qs = [
      R.listTargets([{ projectId: HOSTILE, projectIds: [HOSTILE], line: HOSTILE, plant: HOSTILE, search: HOSTILE, skip: 0, limit: 10 }]),
      R.trainedOn([HOSTILE], 2),
      R.deployedTo([HOSTILE], HOSTILE),
      R.servedAt([HOSTILE], null),
      R.reusedBy([HOSTILE], 10),
      R.usedBy([HOSTILE]),
      R.nodesByIds([HOSTILE]),
      R.expand([[HOSTILE]], 'DOWNSTREAM', HOSTILE, 10),
      R.targetsNotOn(HOSTILE, 1, HOSTILE, 0, 10),
      R.targetsTrainedOnDataBefore(HOSTILE, HOSTILE, 0, 10),
      R.impact.root([HOSTILE], { [HOSTILE]: 1 }),
      ...[R.impact.revision, R.impact.own, R.impact.rollback, R.impact.derivedProjects, R.impact.pending].map((f) => f([HOSTILE])),
      ...[R.impact.derived, R.impact.derivedTargets].map((f) => f([HOSTILE], 1001)),
      W.upsertProjects([{ id: HOSTILE, name: HOSTILE, description: null, plant: HOSTILE, owners: [HOSTILE] }], 'lineage', HOSTILE),
      W.setWatermark('training', HOSTILE, HOSTILE),
      W.storeImpactSummary(HOSTILE, 1, HOSTILE, HOSTILE),
    ].filter(Boolean);
    for (const q of qs) {
      expect(q.cypher).not.toContain('DETACH DELETE');
      expect(JSON.stringify(q.params)).toContain('DETACH DELETE');
    }
  });

  it('orders target pages by a property from its own table, and refuses any other sort key', () => {
    const f = [{ projectId: 'p', projectIds: null, line: null, plant: null, search: null, skip: 0, limit: 10 }];
    expect(R.listTargets(f, { key: 'id', descending: true }).cypher).toContain('ORDER BY t.id DESC\n');
    for (const key of ['name', 'line', 'plant'] as const) {
      // Ties broken by id, so pages never overlap.
      expect(R.listTargets(f, { key, descending: true }).cypher).toContain(`ORDER BY t.${key} DESC, t.id\n`);
    }
    for (const key of [HOSTILE, 'constructor', '__proto__', 'toString', 'environment']) {
      expect(() => R.listTargets(f, { key: key as 'id', descending: false })).toThrow(/sort key must be one of id, name, line, plant/);
    }
  });

  it('puts only pages that set the same filters in one statement', () => {
    const page = { projectId: 'p', projectIds: null, line: null, plant: null, search: null, skip: 0, limit: 10 };
    expect(() => R.listTargets([])).toThrow(/one or more pages that set the same filters/);
    expect(() => R.listTargets([page, { ...page, line: 'l1' }])).toThrow(/one or more pages that set the same filters/);
    expect(() => R.listTargets([page, { ...page, projectId: null }])).toThrow(/one or more pages that set the same filters/);
    const q = R.listTargets([page, { ...page, projectId: 'q', skip: 30 }]);
    expect((q.params.pages as { i: number; projectId: string; skip: number }[]).map((p) => [p.i, p.projectId, p.skip])).toEqual([
      [0, 'p', 0],
      [1, 'q', 30],
    ]);
  });

  it('keeps deprecation values in params too', () => {
    const doc = {
      id: HOSTILE,
      modelVersionId: HOSTILE,
      replacementId: HOSTILE,
      projectId: HOSTILE,
      reason: HOSTILE,
      effectiveAt: HOSTILE,
      requestedBy: HOSTILE,
      requestedAt: HOSTILE,
      updatedAt: HOSTILE,
      status: 'ANNOUNCED' as const,
      forced: false,
      snapshot: { targets: [], derivedModels: [], derivedTargets: [], pendingReleases: [], projects: [{ projectId: HOSTILE, owners: [], targetIds: [HOSTILE] }] },
    };
    const qs = [
      C.saveDeprecation(doc),
      C.lockDeprecations(HOSTILE),
      C.deprecationsOf(HOSTILE),
      C.deprecationDocs([HOSTILE]),
      C.activeDeprecations([HOSTILE], ['ANNOUNCED']),
      C.listDeprecations({ projectIds: [HOSTILE], modelVersionId: HOSTILE, status: HOSTILE, effectiveBy: HOSTILE }),
    ];
    for (const q of qs) {
      expect(q.cypher).not.toContain('DETACH DELETE');
      expect(JSON.stringify(q.params)).toContain('DETACH DELETE');
    }
  });

  it('allow-lists what cannot be a parameter', () => {
    expect(() => R.trainedOn(['m'], 7)).toThrowError(/depth/);
    expect(() => R.trainedOn(['m'], 1.5)).toThrowError(/depth/);
    expect(() => R.trainedOn(['m'], '1 ]->() DETACH DELETE n //' as unknown as number)).toThrowError(/depth/);
    expect(() => R.expand([['m']], 'SIDEWAYS' as never, null, 10)).toThrowError(/direction/);
    expect(bound(6, 0, 6, 'x')).toBe(6);
  });
});
