/**
 * The accumulator's MERGE/SET semantics on their own (the import itself, against the sync's
 * graph, is test/integration/lineage-bulk-import.int.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { GraphAccumulator } from './bulk-export.ts';

const at = '2026-11-24T00:00:00.000Z';
const target = (projectId: string) => ({ id: 't1', name: 't1', projectId, plant: 'p', line: 'l', environment: 'production' });

describe('GraphAccumulator (the bulk export applies batches as writes.ts does)', () => {
  it('keeps one IN_PROJECT per target: a target that moves leaves its old project', async () => {
    const acc = new GraphAccumulator();
    await acc.applyBatch({ source: 'inference', syncedAt: at, targets: [target('a')] });
    await acc.applyBatch({ source: 'inference', syncedAt: at, targets: [target('b')] });
    const inProject = [...acc.rels.values()].filter((r) => r.type === 'IN_PROJECT').map((r) => `${r.start}->${r.end}`);
    expect(inProject).toEqual(['t1->b']);
    // MERGE (p:Project) for both: the old project stays, as a bare node.
    expect([...acc.nodes.get('Project')!.keys()].sort()).toEqual(['a', 'b']);
    expect(acc.nodes.get('Project')!.get('a')).toEqual({});
  });

  it('SETs: a later null removes a property; referenced nodes are bare; a deployment is keyed by its id', async () => {
    const acc = new GraphAccumulator();
    const dep = { id: 'd1', targetId: 't1', modelVersionId: 'm/1', from: at, to: null, trafficPercent: 100, state: 'ACTIVE' };
    await acc.applyBatch({ source: 'inference', syncedAt: at, deployments: [dep] });
    expect(acc.nodes.get('ModelVersion')!.get('m/1')).toEqual({});
    expect(acc.nodes.get('ReleaseTarget')!.get('t1')).toEqual({});
    await acc.applyBatch({ source: 'inference', syncedAt: at, deployments: [{ ...dep, to: at, state: 'RETIRED' }, { ...dep, id: 'd2' }] });
    const deps = [...acc.rels.values()].filter((r) => r.type === 'DEPLOYED_TO');
    expect(deps.map((d) => [d.props.deploymentId, d.props.state, d.props.to ?? null])).toEqual([
      ['d1', 'RETIRED', at],
      ['d2', 'ACTIVE', null],
    ]);
    await acc.applyBatch({ source: 'inference', syncedAt: at, deployments: [{ ...dep, to: null }] });
    expect('to' in [...acc.rels.values()].find((r) => r.props.deploymentId === 'd1')!.props).toBe(false);
    expect(acc.counts).toEqual({ nodes: 2, relationships: 2 });
  });
});
