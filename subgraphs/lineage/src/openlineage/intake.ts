/**
 * The OpenLineage intake behind `POST /api/v1/lineage` (Marquez's path and body, so a producer
 * only changes its URL): one RunEvent, or a JSON array of them (a batch, which Marquez does not
 * take). All or nothing: every event is validated and every problem named by its JSON path; if
 * any is invalid nothing is written. Accepted events are written in one transaction, idempotently.
 */
import { writeEvent, openLineageCounts } from '../cypher/openlineage.ts';
import type { Executor } from '../store/executor.ts';
import { MAX_BATCH, MAX_BODY_BYTES, oversizedFacets, toWrite, validateRunEvent, type OpenLineageWrite } from './event.ts';

export interface OpenLineageSink {
  write(events: readonly OpenLineageWrite[]): Promise<void>;
  counts(): Promise<{ nodes: number; relationships: number }>;
}

/** The sink over the lineage graph's Neo4j (the catalog connector `openlineage` reads it). */
export function neo4jOpenLineageSink(ex: Executor): OpenLineageSink {
  return {
    async write(events) {
      if (events.length > 0) await ex.write(...events.flatMap(writeEvent));
    },
    async counts() {
      const [rows] = await ex.read(openLineageCounts());
      return { nodes: rows![0]!.nodes as number, relationships: rows![0]!.relationships as number };
    },
  };
}

export interface IntakeResult {
  status: 201 | 400 | 413;
  body: { accepted: number; problems?: string[] };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Validates the raw body; writes only when every event is valid. */
export async function intakeOpenLineage(sink: OpenLineageSink, raw: Buffer): Promise<IntakeResult> {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return { status: 400, body: { accepted: 0, problems: ['(body): not valid JSON'] } };
  }
  const batch = Array.isArray(payload);
  const events = batch ? (payload as unknown[]) : [payload];
  if (raw.length > MAX_BODY_BYTES) {
    // Still name the facets that made it too large, so the producer knows what to trim.
    const big = events.slice(0, MAX_BATCH).flatMap((e, i) => oversizedFacets(e, batch ? `[${i}]` : ''));
    return { status: 413, body: { accepted: 0, problems: [`(body): ${mb(raw.length)}, at most ${mb(MAX_BODY_BYTES)}`, ...big] } };
  }
  if (batch && events.length === 0) return { status: 400, body: { accepted: 0, problems: ['(body): an empty batch'] } };
  if (events.length > MAX_BATCH) return { status: 400, body: { accepted: 0, problems: [`(body): at most ${MAX_BATCH} events per batch, got ${events.length}`] } };
  const problems: string[] = [];
  const writes: OpenLineageWrite[] = [];
  events.forEach((e, i) => {
    const r = validateRunEvent(e, batch ? `[${i}]` : '');
    if (r.ok) writes.push(toWrite(r.event));
    else problems.push(...r.problems);
  });
  if (problems.length > 0) return { status: 400, body: { accepted: 0, problems: problems.slice(0, 100) } };
  await sink.write(writes);
  return { status: 201, body: { accepted: writes.length } };
}
