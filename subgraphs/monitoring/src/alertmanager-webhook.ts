/**
 * The receiver of Alertmanager's webhook deliveries (`POST /webhooks/alertmanager`), which
 * feeds the alert history (connectors/src/monitoring/alert-history.ts): Prometheus forgets an
 * alert when it resolves, Alertmanager tells us it did (send_resolved).
 *
 * A delivery is accepted only with `Authorization: Bearer <platforms.monitoring.alertmanagerToken>`
 * (Alertmanager's webhook_configs http_config.authorization), compared in constant time; then
 * it must be Alertmanager's version 4 payload, checked whole before anything is stored, so a
 * malformed delivery (400, naming the JSON path of every problem) changes nothing. Alerts
 * without `deployment_id` and `target_id` labels (rules about something other than a
 * deployment) are acknowledged and ignored: the graph has nothing to attach them to.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { z } from 'zod';
import type { AlertHistory, AlertTransition } from '@mlops/connectors/monitoring';
import type { Logger } from '@mlops/kit';

export const ALERTMANAGER_PATH = '/webhooks/alertmanager';
/** Bodies above this are refused (413); Alertmanager sends one group per delivery. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Alerts per delivery: a group larger than this is a misconfigured route (group_by). */
export const MAX_ALERTS = 1000;

const labelMap = z.record(z.string(), z.string());
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');
const AlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: instant,
  endsAt: instant,
  generatorURL: z.string().optional(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be a hex fingerprint'),
});
/** Alertmanager's webhook payload, version 4 (fields added by later versions are ignored). */
export const AlertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelMap,
  commonLabels: labelMap,
  commonAnnotations: labelMap,
  externalURL: z.string(),
  alerts: z.array(AlertSchema).max(MAX_ALERTS, `at most ${MAX_ALERTS} alerts per delivery`),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The transitions a valid payload carries (alerts without a deployment and a target are left out). */
export function transitionsOf(p: AlertmanagerPayload, receivedAt: string): { transitions: AlertTransition[]; ignored: number } {
  const transitions: AlertTransition[] = [];
  let ignored = 0;
  for (const a of p.alerts) {
    const l = a.labels;
    if (!l.deployment_id || !l.target_id) {
      ignored++;
      continue;
    }
    transitions.push({
      fingerprint: a.fingerprint,
      status: a.status,
      startsAt: new Date(Date.parse(a.startsAt)).toISOString(),
      endsAt: a.status === 'resolved' ? new Date(Date.parse(a.endsAt)).toISOString() : null,
      alertname: l.alertname ?? '',
      deploymentId: l.deployment_id,
      targetId: l.target_id,
      projectId: l.project || null,
      severity: l.severity === 'critical' ? 'CRITICAL' : 'WARNING',
      metric: l.metric ?? l.alertname ?? '',
      message: a.annotations.summary ?? l.alertname ?? '',
      receivedAt,
    });
  }
  return { transitions, ignored };
}

export interface AlertmanagerReceiverOptions {
  token: string | undefined;
  history: AlertHistory | undefined;
  logger: Logger;
  now?: () => Date;
}

/** Mounts `POST /webhooks/alertmanager` on the subgraph's HTTP server. */
export function alertmanagerRoutes(o: AlertmanagerReceiverOptions) {
  const want = o.token ? digest(`Bearer ${o.token}`) : undefined;
  const now = o.now ?? (() => new Date());
  return (app: express.Express) => {
    app.post(
      ALERTMANAGER_PATH,
      express.raw({ type: () => true, limit: MAX_BODY_BYTES }),
      async (req: express.Request, res: express.Response) => {
        if (!want) {
          res.status(401).json({ error: 'Alertmanager deliveries are not configured (platforms.monitoring.alertmanagerToken)' });
          return;
        }
        // Digests of equal length, so the comparison takes the same time whatever was sent.
        const got = digest(typeof req.headers.authorization === 'string' ? req.headers.authorization : '');
        if (!timingSafeEqual(got, want)) {
          o.logger.warn({ from: req.ip }, 'Alertmanager delivery refused: bad or missing bearer token');
          res.status(401).json({ error: 'an Alertmanager delivery needs Authorization: Bearer <platforms.monitoring.alertmanagerToken>' });
          return;
        }
        if (!o.history) {
          res.status(503).json({ error: 'the alert history is not configured (platforms.monitoring.alertHistoryDir)' });
          return;
        }
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          res.status(400).json({ error: 'invalid Alertmanager delivery', problems: ['(body): not JSON'] });
          return;
        }
        const parsed = AlertmanagerPayload.safeParse(body);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
          res.status(400).json({ error: 'invalid Alertmanager delivery', problems });
          return;
        }
        const { transitions, ignored } = transitionsOf(parsed.data, now().toISOString());
        try {
          const { added, duplicates } = await o.history.append(transitions);
          res.status(200).json({ added, duplicates, ignored });
        } catch (e) {
          // Alertmanager retries a failed delivery, and appends are idempotent: nothing is lost.
          o.logger.error({ err: e }, 'alert history append failed');
          res.status(503).json({ error: 'the alert history could not be written' });
        }
      },
      (err: { type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
        if (err?.type === 'entity.too.large') res.status(413).json({ error: 'invalid Alertmanager delivery', problems: [`(body): larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`] });
        else next(err);
      },
    );
  };
}
