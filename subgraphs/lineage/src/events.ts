/**
 * The push endpoint: platforms POST change events instead of waiting for the next pull.
 * A batch is all or nothing: every event is validated (zod) and every problem named; if any
 * event is invalid the whole batch is rejected and nothing is written, so a producer never has
 * to work out which half of its batch landed. Valid batches are written idempotently.
 */
import { z } from 'zod';
import type { GraphBatch, LineageStore, Platform } from './store/types.ts';

export const MAX_EVENTS = 1000;

const id = z.string().min(1).max(512);
const iso = z.string().datetime({ offset: true }).transform((s) => new Date(s).toISOString());

const ModelVersionRegistered = z.object({
  type: z.literal('model_version.registered'),
  source: z.literal('training'),
  modelVersion: z.object({
    id,
    name: z.string().min(1).max(256),
    version: z.number().int().min(0),
    createdAt: iso,
    runId: id.nullable().default(null),
    projectId: id.nullable().default(null),
    derivedFrom: id.nullable().default(null),
  }),
});

const RunCompleted = z.object({
  type: z.literal('run.completed'),
  source: z.literal('training'),
  run: z.object({ id, experiment: z.string().min(1).max(256), startTime: iso, inputs: z.array(id).max(1000) }),
});

const DatasetVersionCreated = z.object({
  type: z.literal('dataset_version.created'),
  source: z.literal('catalog'),
  datasetVersion: z.object({
    id,
    datasetId: id,
    version: z.number().int().min(0),
    uri: z.string().min(1).max(2048),
    owner: z.string().min(1).max(256),
    createdAt: iso,
    derivedFrom: z.array(id).max(1000).default([]),
  }),
});

const DeploymentChanged = z.object({
  type: z.literal('deployment.changed'),
  source: z.literal('inference'),
  deployment: z
    .object({
      id,
      targetId: id,
      modelVersionId: id,
      from: iso,
      to: iso.nullable().default(null),
      trafficPercent: z.number().int().min(1).max(100),
      state: z.enum(['ACTIVE', 'CANARY', 'RETIRED', 'ROLLED_BACK']),
    })
    .refine((d) => d.to === null || d.to >= d.from, { message: 'to must not be before from', path: ['to'] }),
});

export const Event = z.discriminatedUnion('type', [ModelVersionRegistered, RunCompleted, DatasetVersionCreated, DeploymentChanged]);
export type LineageEvent = z.infer<typeof Event>;

export interface EventResult {
  status: 200 | 400;
  body: { accepted: number; rejected: { index: number; problems: string[] }[] };
}

/** Validates every event; writes them all (grouped by source platform) only if all are valid. */
export async function applyEvents(store: LineageStore, payload: unknown, now = () => new Date().toISOString()): Promise<EventResult> {
  const list = (payload as { events?: unknown })?.events;
  if (!Array.isArray(list)) return { status: 400, body: { accepted: 0, rejected: [{ index: -1, problems: ['body: expected {"events": [...]}'] }] } };
  if (list.length > MAX_EVENTS) {
    return { status: 400, body: { accepted: 0, rejected: [{ index: -1, problems: [`events: at most ${MAX_EVENTS} per request, got ${list.length}`] }] } };
  }
  const rejected: EventResult['body']['rejected'] = [];
  const batches = new Map<Platform, GraphBatch>();
  const batchFor = (source: Platform) => {
    let b = batches.get(source);
    if (!b) batches.set(source, (b = { source, syncedAt: now() }));
    return b;
  };
  let accepted = 0;
  list.forEach((raw, index) => {
    const parsed = Event.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, problems: parsed.error.issues.map((i) => `${['events', index, ...i.path].join('.')}: ${i.message}`) });
      return;
    }
    accepted++;
    const e = parsed.data;
    const b = batchFor(e.source);
    switch (e.type) {
      case 'model_version.registered':
        (b.modelVersions ??= []).push(e.modelVersion);
        break;
      case 'run.completed':
        (b.runs ??= []).push(e.run);
        break;
      case 'dataset_version.created':
        (b.datasetVersions ??= []).push(e.datasetVersion);
        break;
      case 'deployment.changed':
        (b.deployments ??= []).push(e.deployment);
        break;
    }
  });
  if (rejected.length) return { status: 400, body: { accepted: 0, rejected } };
  for (const b of batches.values()) await store.applyBatch(b);
  return { status: 200, body: { accepted, rejected } };
}
