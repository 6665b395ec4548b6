/** A real HTTP server on loopback that records every webhook it receives (body and X-Signature). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  body: string;
  signature: string;
}

export interface WebhookReceiver {
  /** Where to point a project's webhook. */
  url: string;
  /** Every call so far, in arrival order. */
  hooks: ReceivedHook[];
  close(): void;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = [];
  const server = http.createServer((r, res) => {
    let body = '';
    r.on('data', (c) => (body += c));
    r.on('end', () => {
      hooks.push({ body, signature: String(r.headers['x-signature']) });
      res.end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hooks, close: () => server.close() };
}
