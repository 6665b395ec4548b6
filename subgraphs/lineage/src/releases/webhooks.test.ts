import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mlops/kit';
import { createWebhookSender, sign } from './webhooks.ts';

describe('release webhooks', () => {
  const seen: { attempt: string; signature: string; body: string }[] = [];
  let failFirst = 0;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ attempt: String(req.headers['x-delivery-attempt']), signature: String(req.headers['x-signature']), body });
        res.statusCode = failFirst-- > 0 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => server.close());

  const event = { type: 'release.approved', releaseId: 'rel-1', projectId: 'p', status: 'APPROVED', actor: 'a', at: '2026-11-23T00:00:00.000Z' };

  it('does not block the caller, signs the body, and retries with backoff until delivered', async () => {
    seen.length = 0;
    failFirst = 2;
    const sender = createWebhookSender({ secret: 'test-secret-123456', logger: createLogger('t', 'silent'), baseDelayMs: 20 });
    sender.send(url, event);
    expect(seen).toHaveLength(0); // send() returned before any delivery happened
    await sender.drain();
    expect(seen.map((s) => s.attempt)).toEqual(['1', '2', '3']);
    for (const s of seen) {
      expect(s.body).toBe(JSON.stringify(event));
      expect(s.signature).toBe(sign('test-secret-123456', s.body));
    }
  });

  it('gives up after the configured attempts, and ignores projects without a URL', async () => {
    seen.length = 0;
    failFirst = 100;
    const sender = createWebhookSender({ secret: 'test-secret-123456', logger: createLogger('t', 'silent'), baseDelayMs: 5, attempts: 3 });
    sender.send(url, event);
    sender.send(null, event);
    await sender.drain();
    expect(seen).toHaveLength(3);
    failFirst = 0;
  });
});

describe('release webhooks: what the sender refuses to do', () => {
  it('has no built-in secret to fall back on', () => {
    expect(() => createWebhookSender({ secret: '', logger: createLogger('t', 'silent') })).toThrowError(/secret is required/);
    expect(() => createWebhookSender({ secret: undefined as unknown as string, logger: createLogger('t', 'silent') })).toThrowError(/secret is required/);
  });

  it('never follows a redirect, so a public receiver cannot bounce the signed POST inward', async () => {
    const inner: string[] = [];
    const target = http.createServer((req, res) => {
      inner.push(String(req.method));
      res.end('ok');
    });
    await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
    let bounced = 0;
    const bouncer = http.createServer((_req, res) => {
      bounced++;
      res.writeHead(307, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/internal` });
      res.end();
    });
    await new Promise<void>((ok) => bouncer.listen(0, '127.0.0.1', ok));
    try {
      const sender = createWebhookSender({ secret: 'test-secret-123456', logger: createLogger('t', 'silent'), baseDelayMs: 1, attempts: 2 });
      sender.send(`http://127.0.0.1:${(bouncer.address() as AddressInfo).port}/hook`, { type: 't', releaseId: 'r', projectId: 'p', status: 's', actor: 'a', at: 'now' });
      await sender.drain();
      expect(bounced).toBe(2); // each attempt reached the receiver and was not followed
      expect(inner).toEqual([]);
    } finally {
      bouncer.close();
      target.close();
    }
  });
});
