/**
 * The OpenLineage intake and the catalog over it, on the real Neo4j (global setup) and the real
 * openlineage-python client: a 20-target slice is sent as RunEvents to the lineage subgraph's
 * `POST /api/v1/lineage`, then the CatalogConnector contract runs against the `openlineage`
 * connector reading that store (the built-in catalog runs the same suite in
 * connectors/src/catalog/builtin.contract.test.ts). Bad input: rejected events are named by
 * JSON path and write nothing; the same event twice changes nothing.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpenLineageCatalogConnector } from '@mlops/connectors/catalog';
import { seedOpenLineage, runsOf, uuidFor } from '../../openlineage/seed.ts';
import { describeCatalogConnectorContract } from '../../connectors/src/catalog/contract.ts';
import { startStack, type Stack } from '../helpers/start-stack.ts';
import { token } from '../helpers/tokens.ts';
import neo4j from 'neo4j-driver';

/** Small enough to seed in CI quickly (every project keeps several machines and a derived-from chain). */
const TARGETS = 20;
const INGEST_SECRET = 'openlineage-test-ingest-secret-0123456789';
let stack: Stack | undefined;
let base = '';
const log = (l: string) => process.stderr.write(`${l}\n`);

async function ensureStack(): Promise<string> {
  if (!stack) {
    const c = inject('neo4j');
    stack = await startStack({ targets: TARGETS, neo4j: { uri: c.uri, user: c.user, password: c.password }, syncIntervalMs: 0, ingestSecret: INGEST_SECRET });
    base = stack.subgraphs.lineage.url.replace(/\/graphql$/, '');
  }
  return base;
}

async function wipeOpenLineage() {
  const c = inject('neo4j');
  const d = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password));
  try {
    await d.executeQuery('MATCH (n) WHERE n:OLJob OR n:OLRun OR n:OLDataset OR n:OLDatasetVersion DETACH DELETE n');
  } finally {
    await d.close();
  }
}

async function olCounts() {
  const c = inject('neo4j');
  const d = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password), { disableLosslessIntegers: true });
  try {
    const r = await d.executeQuery(
      'RETURN COUNT { MATCH (n) WHERE n:OLJob OR n:OLRun OR n:OLDataset OR n:OLDatasetVersion } AS nodes, COUNT { MATCH (n)-[r]->() WHERE n:OLRun OR n:OLDatasetVersion } AS rels, COUNT { MATCH (n) } AS all',
    );
    return r.records[0]!.toObject();
  } finally {
    await d.close();
  }
}

afterAll(async () => {
  await stack?.stop();
});

describeCatalogConnectorContract(
  'openlineage',
  async () => {
    const url = await ensureStack();
    await wipeOpenLineage();
    const writer = await token('openlineage-seed', { '*': 'platform-writer' });
    const first = await seedOpenLineage({ url, targets: TARGETS, token: writer });
    log(`[test] openlineage-python: install ${first.installSeconds.toFixed(1)} s, sent ${first.sent} RunEvents in ${first.sendSeconds} s`);
    const before = await olCounts();
    // Seeding again sends the same events: the store does not change.
    const again = await seedOpenLineage({ url, targets: TARGETS, token: writer });
    log(`[test] seeded again in ${again.sendSeconds} s`);
    expect(await olCounts()).toEqual(before);
    const c = inject('neo4j');
    const connector = new OpenLineageCatalogConnector({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' });
    return { connector, scenario: first.scenario, cleanup: () => connector.close() };
  },
  { openTimeoutMs: 600_000 },
);

describe('POST /api/v1/lineage: bad input', () => {
  let url = '';
  let writer = '';
  const good = () => {
    const s = stack!.scenario;
    const r = runsOf(s).find((x) => x.inputs.length > 0)!;
    return {
      eventType: 'COMPLETE',
      eventTime: '2026-11-20T10:00:00.000Z',
      producer: 'https://example.com/test-producer',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: uuidFor('bad-input-test-run') },
      job: { namespace: 'qa', name: 'bad-input-job' },
      inputs: [{ namespace: r.inputs[0]!.namespace, name: 'qa-upstream', facets: { version: { _producer: 'https://example.com/p', _schemaURL: 'https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json', datasetVersion: 'sha256:1111111111111111' } } }],
      outputs: [
        {
          namespace: 's3://qa-lake',
          name: 'qa-derived',
          facets: {
            version: { _producer: 'https://example.com/p', _schemaURL: 'https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json', datasetVersion: 'sha256:2222222222222222' },
            schema: { _producer: 'https://example.com/p', _schemaURL: 'https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json', fields: [{ name: 'a', type: 'int' }] },
            ownership: { _producer: 'https://example.com/p', _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/OwnershipDatasetFacet.json', owners: [{ name: 'qa@plant.example', type: 'OWNER' }] },
          },
        },
      ],
    } as Record<string, any>;
  };
  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${writer}` }) =>
    fetch(`${url}/api/v1/lineage`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    url = await ensureStack();
    writer = await token('openlineage-bad-input', { '*': 'platform-writer' });
  }, 300_000);

  it('rejects a missing run.runId, a wrong eventType, a non-UUID runId, a missing job name, naming each JSON path, and writes nothing', async () => {
    const before = await olCounts();
    const cases: [Record<string, any>, RegExp][] = [
      [{ ...good(), run: {} }, /^run\.runId: /],
      [{ ...good(), eventType: 'FINISHED' }, /^eventType: must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER/],
      [{ ...good(), run: { runId: 'not-a-uuid' } }, /^run\.runId: must be a UUID/],
      [{ ...good(), job: { namespace: 'qa' } }, /^job\.name: /],
      [{ ...good(), eventTime: 'yesterday' }, /^eventTime: /],
      [{ ...good(), outputs: [{ ...good().outputs[0], facets: { version: { _producer: 'https://example.com/p' } } }] }, /^outputs\[0\]\.facets\.version\.(_schemaURL|datasetVersion): /],
    ];
    for (const [body, want] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { accepted: number; problems: string[] };
      expect(json.accepted).toBe(0);
      expect(json.problems.some((p) => want.test(p)), `${JSON.stringify(json.problems)} names ${want}`).toBe(true);
    }
    // A batch with one bad event among good ones writes nothing either.
    const batch = await post([good(), { ...good(), run: {} }]);
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as any).problems).toEqual([expect.stringMatching(/^\[1\]\.run\.runId: /)]);
    expect(await olCounts()).toEqual(before);
  });

  it('refuses a 2 MB facet with 413 naming it, a 300 KB facet with 400 naming it, and garbage JSON, writing nothing', async () => {
    const before = await olCounts();
    const huge = good();
    huge.outputs[0].facets.schema.fields = Array.from({ length: 40_000 }, (_, i) => ({ name: `column_${i}_${'x'.repeat(30)}`, type: 'string' }));
    const big = await post(huge);
    expect(big.status).toBe(413);
    const bigBody = (await big.json()) as { problems: string[] };
    expect(bigBody.problems).toContainEqual(expect.stringMatching(/^\(body\): .* at most 1\.0 MB/));
    expect(bigBody.problems).toContainEqual(expect.stringMatching(/^outputs\[0\]\.facets\.schema: facet is \d+ KB, at most 256 KB/));
    const mid = good();
    mid.outputs[0].facets.schema.fields = Array.from({ length: 6_000 }, (_, i) => ({ name: `column_${i}_${'x'.repeat(30)}`, type: 'string' }));
    const res = await post(mid);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).problems).toEqual([expect.stringMatching(/^outputs\[0\]\.facets\.schema: facet is \d+ KB, at most 256 KB/)]);
    const garbage = await post('{"run": ');
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).not.toMatch(/node_modules|at [A-Za-z]+ \(/);
    expect(await olCounts()).toEqual(before);
  });

  it('authenticates like /events: no token 401, a viewer 403, a bad signature 401, a good signature accepted', async () => {
    const before = await olCounts();
    expect((await post(good(), {})).status).toBe(401);
    const viewer = await token('someone', { '*': 'viewer' });
    expect((await post(good(), { authorization: `Bearer ${viewer}` })).status).toBe(403);
    expect((await post(good(), { 'x-signature': 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect(await olCounts()).toEqual(before);
    const body = JSON.stringify(good());
    const sig = `sha256=${createHmac('sha256', INGEST_SECRET).update(body).digest('hex')}`;
    const ok = await post(body, { 'x-signature': sig });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ accepted: 1 });
  });

  it('stores a valid event once: the same event twice changes nothing, and a COMPLETE output derives from its inputs', async () => {
    const e = good();
    e.run.runId = uuidFor('idempotent-run');
    e.outputs[0].name = 'qa-idempotent';
    const first = await post(e);
    expect(first.status).toBe(201);
    const after = await olCounts();
    expect((await post(e)).status).toBe(201);
    expect(await olCounts()).toEqual(after);
    const c = inject('neo4j');
    const connector = new OpenLineageCatalogConnector({ uri: c.uri, user: c.user, password: c.password, database: 'neo4j' });
    try {
      const [v] = await connector.getDatasetVersions(['qa-idempotent@sha256:2222222222222222']);
      expect(v).toMatchObject({
        datasetId: 'qa-idempotent',
        version: 1,
        digest: 'sha256:2222222222222222',
        uri: 's3://qa-lake/qa-idempotent',
        schema: [{ name: 'a', type: 'int' }],
        owner: 'qa@plant.example',
        producer: 'qa/bad-input-job',
        createdAt: '2026-11-20T10:00:00.000Z',
        derivedFrom: ['qa-upstream@sha256:1111111111111111'],
      });
    } finally {
      await connector.close();
    }
  });
});
