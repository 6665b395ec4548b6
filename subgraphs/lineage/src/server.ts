/** The lineage subgraph: schema, resolvers and per-request context over a lineage store. */
import { fileURLToPath } from 'node:url';
import express from 'express';
import { defineSubgraph } from '@mlops/kit/server';
import { applyEvents } from './events.ts';
import { intakeOpenLineage } from './openlineage/intake.ts';
import { MAX_BODY_BYTES } from './openlineage/event.ts';
import { createContext, type Context } from './context.ts';
import type { LineageBackend } from './context.ts';
import { resolvers } from './resolvers/index.ts';

export const lineage = defineSubgraph<LineageBackend, Context>({
  name: 'lineage',
  schemaPath: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  resolvers,
  createContext,
  health: async ({ store }) => ({ store: store.kind }),
  routes: (app, { store, ingest, openlineage, trainingWebhook }, logger) => {
    // OpenLineage RunEvents (Marquez's path). Bodies up to 8 MB are read so that one over the
    // 1 MB limit is answered 413 naming the facets that made it large; beyond 8 MB, a bare 413.
    app.post(
      '/api/v1/lineage',
      express.raw({ type: () => true, limit: 8 * MAX_BODY_BYTES }),
      async (req: express.Request, res: express.Response) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const denied = ingest ? await ingest.check(req.headers, raw) : { status: 401 as const, message: 'pushing events is not configured' };
        if (denied) {
          res.status(denied.status).json({ error: denied.message, accepted: 0 });
          return;
        }
        if (!openlineage) {
          res.status(503).json({ error: 'the OpenLineage intake needs the lineage graph in Neo4j', accepted: 0 });
          return;
        }
        try {
          const result = await intakeOpenLineage(openlineage, raw);
          res.status(result.status).json(result.status === 201 ? result.body : { error: 'invalid OpenLineage event', ...result.body });
        } catch (e) {
          logger.error({ err: e }, 'OpenLineage intake failed');
          const unavailable = (e as { extensions?: { code?: string } }).extensions?.code === 'LINEAGE_STORE_UNAVAILABLE';
          res.status(503).json({ error: unavailable ? 'lineage store unavailable' : 'internal error', accepted: 0 });
        }
      },
      (err: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
        if (err?.type === 'entity.too.large') res.status(413).json({ error: 'invalid OpenLineage event', accepted: 0, problems: [`(body): larger than ${(8 * MAX_BODY_BYTES) / 1024 / 1024} MB; at most 1.0 MB`] });
        else next(err);
      },
    );
    // MLflow's registry webhooks: verified on the exact bytes received, then a debounced
    // incremental sync of the training platform. Nothing is written from the event itself.
    app.post('/webhooks/mlflow', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!trainingWebhook) {
        res.status(401).json({ error: 'MLflow webhooks are not configured (platforms.training.webhookSecret)' });
        return;
      }
      const verdict = trainingWebhook.receiver.verify(req.headers, raw);
      if (!verdict.ok) {
        logger.warn({ status: verdict.status, reason: verdict.message }, 'MLflow webhook refused');
        res.status(verdict.status).json({ error: verdict.message });
        return;
      }
      if (!verdict.duplicate) trainingWebhook.onEvent(verdict.hint);
      res.status(202).json({ accepted: true, duplicate: verdict.duplicate, sync: verdict.hint.relevant && !verdict.duplicate });
    });
    app.post('/events', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const denied = ingest ? await ingest.check(req.headers, raw) : { status: 401 as const, message: 'pushing events is not configured' };
      if (denied) {
        res.status(denied.status).json({ error: denied.message, accepted: 0 });
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'request body is not valid JSON', accepted: 0 });
        return;
      }
      try {
        const result = await applyEvents(store, payload);
        res.status(result.status).json(result.body);
      } catch (e) {
        logger.error({ err: e }, 'push events failed');
        const unavailable = (e as { extensions?: { code?: string } }).extensions?.code === 'LINEAGE_STORE_UNAVAILABLE';
        res.status(503).json({ error: unavailable ? 'lineage store unavailable' : 'internal error', accepted: 0 });
      }
    });
  },
});
