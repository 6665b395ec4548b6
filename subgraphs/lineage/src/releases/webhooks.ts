/**
 * Release notifications: a signed POST (HMAC-SHA256 of the body, header X-Signature) to the
 * project's webhook URL on every state change, retried with exponential backoff in the
 * background. Never awaited by a mutation, so a slow receiver never blocks a transaction.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '@mlops/kit';

export interface WebhookSender {
  /** A release event (`releaseId`, `status`) or a deprecation notice (`deprecationId`, targets, replacement). */
  send(url: string | null, event: { type: string; projectId: string; actor: string; at: string; [field: string]: unknown }): void;
  /** Resolves when every queued delivery has finished (tests, shutdown). */
  drain(): Promise<void>;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** `secret` is the deployment's (configuration); there is no built-in fallback to sign with. */
export function createWebhookSender(opts: { secret: string; logger: Logger; attempts?: number; baseDelayMs?: number; timeoutMs?: number }): WebhookSender {
  if (typeof opts.secret !== 'string' || opts.secret.length === 0) throw new Error('webhooks: a signing secret is required');
  const inflight = new Set<Promise<void>>();
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 250;
  const deliver = async (url: string, body: string) => {
    for (let i = 0; i < attempts; i++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': sign(opts.secret, body), 'x-delivery-attempt': String(i + 1) },
          body,
          // A redirect could send the signed POST to an address the URL check refused (a
          // public host answering 307 to 169.254.169.254): never follow one.
          redirect: 'manual',
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        if (res.ok) return;
        opts.logger.warn({ status: res.status, attempt: i + 1 }, 'webhook delivery refused');
      } catch (e) {
        opts.logger.warn({ err: (e as Error).message, attempt: i + 1 }, 'webhook delivery failed');
      }
      if (i + 1 < attempts) await new Promise((r) => setTimeout(r, base * 2 ** i));
    }
    opts.logger.error({ attempts }, 'webhook delivery gave up');
  };
  return {
    send(url, event) {
      if (!url) return;
      const p = deliver(url, JSON.stringify(event)).finally(() => inflight.delete(p));
      inflight.add(p);
    },
    async drain() {
      while (inflight.size) await Promise.all([...inflight]);
    },
  };
}
