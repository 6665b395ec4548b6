/**
 * The receiver of MLflow's model-registry webhooks (`POST /webhooks/mlflow`).
 *
 * MLflow 3 signs each delivery the Standard Webhooks way (mlflow/webhooks/delivery.py):
 *   X-MLflow-Delivery-Id: <uuid>   X-MLflow-Timestamp: <unix seconds>
 *   X-MLflow-Signature:   v1,<base64 HMAC-SHA256(secret, "<delivery id>.<timestamp>.<raw body>")>
 * and the body is `{"entity", "action", "timestamp", "data"}`. A call is accepted only when the
 * signature matches the exact bytes received, the timestamp is within `toleranceSec` of our clock
 * (a captured delivery cannot be replayed later) and its delivery id was not seen in that window
 * (nor replayed within it). Nothing is written here: an accepted event only says which model
 * versions to re-read from MLflow, since the event itself is not trusted for data (and an alias
 * move or a tag change does not bump MLflow's `last_updated_timestamp`, so the watermark feed
 * alone would miss it).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MLFLOW_HEADERS = {
  signature: 'x-mlflow-signature',
  timestamp: 'x-mlflow-timestamp',
  deliveryId: 'x-mlflow-delivery-id',
} as const;

/** What an accepted event asks the sync to do. */
export interface WebhookHint {
  entity: string;
  action: string;
  /** `name/version` ids MLflow named: re-read by id (their watermark may not have moved). */
  modelVersionIds: string[];
  /** False for events that touch nothing the graph or the registry answers hold (prompts, budgets). */
  relevant: boolean;
}

export type WebhookVerdict = { ok: true; duplicate: boolean; hint: WebhookHint } | { ok: false; status: 400 | 401; message: string };

/** The signature MLflow sends for this delivery (also what tests sign real-looking deliveries with). */
export function mlflowSignature(secret: string, deliveryId: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

const RELEVANT = new Set(['registered_model', 'model_version', 'model_version_tag', 'model_version_alias']);
const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return typeof v === 'string' ? v : undefined;
};

export interface MlflowWebhookReceiverOptions {
  secret: string | undefined;
  /** Accepted clock skew and replay window, in seconds (default 300, as Standard Webhooks). */
  toleranceSec?: number;
  now?: () => number;
}

export function createMlflowWebhookReceiver(opts: MlflowWebhookReceiverOptions) {
  const tolerance = opts.toleranceSec ?? 300;
  const now = opts.now ?? Date.now;
  // Delivery ids seen within the tolerance window: a replayed delivery is acknowledged, not acted on.
  const seen = new Map<string, number>();

  return {
    verify(headers: Record<string, string | string[] | undefined>, raw: Buffer): WebhookVerdict {
      if (!opts.secret) return { ok: false, status: 401, message: 'MLflow webhooks are not configured (platforms.training.webhookSecret)' };
      const sig = header(headers, MLFLOW_HEADERS.signature);
      const ts = header(headers, MLFLOW_HEADERS.timestamp);
      const id = header(headers, MLFLOW_HEADERS.deliveryId);
      if (!sig || !ts || !id) return { ok: false, status: 401, message: 'an MLflow webhook needs X-MLflow-Signature, X-MLflow-Timestamp and X-MLflow-Delivery-Id' };
      if (!/^\d{1,12}$/.test(ts) || id.length > 200) return { ok: false, status: 401, message: 'malformed X-MLflow-Timestamp or X-MLflow-Delivery-Id' };
      const want = Buffer.from(mlflowSignature(opts.secret, id, ts, raw));
      // Standard Webhooks allows several space-separated signatures (key rotation): any may match.
      const match = sig.split(' ').some((s) => {
        const got = Buffer.from(s);
        return got.length === want.length && timingSafeEqual(got, want);
      });
      if (!match) return { ok: false, status: 401, message: 'the X-MLflow-Signature does not match the body' };
      const nowMs = now();
      if (Math.abs(nowMs / 1000 - Number(ts)) > tolerance) return { ok: false, status: 401, message: `the X-MLflow-Timestamp is more than ${tolerance} s from now` };
      for (const [k, exp] of seen) if (exp < nowMs) seen.delete(k);
      const duplicate = seen.has(id);
      seen.set(id, nowMs + 2 * tolerance * 1000);

      let body: { entity?: unknown; action?: unknown; data?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return { ok: false, status: 400, message: 'the body is not JSON' };
      }
      if (typeof body !== 'object' || body === null || typeof body.entity !== 'string' || typeof body.action !== 'string') {
        return { ok: false, status: 400, message: 'expected {"entity", "action", "data"}' };
      }
      const data = (typeof body.data === 'object' && body.data !== null ? body.data : {}) as { name?: unknown; version?: unknown };
      const modelVersionIds: string[] = [];
      // model_version created, model_version_tag set/deleted, model_version_alias created name a version;
      // an alias deleted or a registered model event does not.
      if (typeof data.name === 'string' && (typeof data.version === 'string' || typeof data.version === 'number') && /^[1-9]\d{0,8}$/.test(String(data.version))) {
        modelVersionIds.push(`${data.name}/${data.version}`);
      }
      return { ok: true, duplicate, hint: { entity: body.entity, action: body.action, modelVersionIds, relevant: RELEVANT.has(body.entity) } };
    },
  };
}

export type MlflowWebhookReceiver = ReturnType<typeof createMlflowWebhookReceiver>;
