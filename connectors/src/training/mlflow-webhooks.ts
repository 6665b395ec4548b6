/**
 * Registers the lineage subgraph's receiver as a webhook in MLflow 3 (REST
 * `POST /api/2.0/mlflow/webhooks`, `GET` to list, `PATCH /webhooks/{id}` to update).
 *
 * Idempotent: the webhook is found by its name; an existing one is updated in place (URL, events,
 * secret, ACTIVE) instead of being created again, so running this at every startup leaves exactly
 * one webhook. MLflow stores the secret encrypted and never returns it, so it is always re-sent.
 *
 * The MLflow server must allow the receiver's address: plain http and loopback/private addresses
 * are refused unless it runs with `MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http,https` and
 * `MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true`. It caches its webhook list for
 * `MLFLOW_WEBHOOK_CACHE_TTL` seconds (default 60): events in the first minute after a
 * registration may not be delivered, which the periodic sync covers.
 */
import { ConnectorError } from '@mlops/kit';

/** The registry events that change what the training subgraph or the lineage graph answers. */
export const MLFLOW_WEBHOOK_EVENTS = [
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
] as const;

export const DEFAULT_WEBHOOK_NAME = 'mlops-gateway-lineage';

export interface RegisterWebhookOptions {
  /** MLflow's base URL. */
  mlflowUrl: string;
  /** Where MLflow should POST (the lineage subgraph's `/webhooks/mlflow`). */
  receiverUrl: string;
  secret: string;
  name?: string;
  token?: string;
  username?: string;
  password?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface MlflowWebhook {
  webhook_id: string;
  name: string;
  url: string;
  status?: string;
  events?: { entity: string; action: string }[];
}

/** Creates the webhook, or updates the one of that name; returns its id and what was done. */
export async function registerMlflowWebhook(o: RegisterWebhookOptions): Promise<{ id: string; action: 'created' | 'updated' }> {
  const base = `${o.mlflowUrl.replace(/\/+$/, '')}/api/2.0/mlflow/webhooks`;
  const http = o.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  else if (o.username) headers.authorization = `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}`;
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await http(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new ConnectorError('training', 'UNAVAILABLE', `MLflow webhooks: unreachable`, { cause: e });
    }
    const text = await res.text();
    if (!res.ok) throw new ConnectorError('training', res.status === 400 ? 'BAD_REQUEST' : 'UNAVAILABLE', `MLflow webhooks: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text || '{}') as T;
  };
  const name = o.name ?? DEFAULT_WEBHOOK_NAME;
  const spec = { name, url: o.receiverUrl, events: MLFLOW_WEBHOOK_EVENTS, secret: o.secret, status: 'ACTIVE', description: 'Incremental sync of the MLOps gateway lineage graph' };
  let existing: MlflowWebhook | undefined;
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ max_results: '100' });
    if (token) q.set('page_token', token);
    const page = await call<{ webhooks?: MlflowWebhook[]; next_page_token?: string }>('GET', `${base}?${q}`);
    existing = (page.webhooks ?? []).find((w) => w.name === name);
    token = page.next_page_token || undefined;
  } while (!existing && token);
  if (existing) {
    await call('PATCH', `${base}/${existing.webhook_id}`, spec);
    return { id: existing.webhook_id, action: 'updated' };
  }
  const created = await call<{ webhook: MlflowWebhook }>('POST', base, spec);
  return { id: created.webhook.webhook_id, action: 'created' };
}

/** Every webhook MLflow has (to check that registering twice left one). */
export async function listMlflowWebhooks(mlflowUrl: string, http: typeof fetch = fetch): Promise<MlflowWebhook[]> {
  const res = await http(`${mlflowUrl.replace(/\/+$/, '')}/api/2.0/mlflow/webhooks?max_results=1000`);
  if (!res.ok) throw new ConnectorError('training', 'UNAVAILABLE', `MLflow webhooks: HTTP ${res.status}`);
  return ((await res.json()) as { webhooks?: MlflowWebhook[] }).webhooks ?? [];
}
