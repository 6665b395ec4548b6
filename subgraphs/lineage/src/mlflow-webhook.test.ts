import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMlflowWebhookReceiver, mlflowSignature } from './mlflow-webhook.ts';

const SECRET = 'a-secret-of-enough-length';
const NOW = 1_795_000_000_000;
const body = (o: unknown) => Buffer.from(JSON.stringify(o));
const headers = (raw: Buffer, { secret = SECRET, ts = String(NOW / 1000), id = 'd-1' } = {}) => ({
  'x-mlflow-delivery-id': id,
  'x-mlflow-timestamp': ts,
  'x-mlflow-signature': mlflowSignature(secret, id, ts, raw),
});

describe('MLflow webhook receiver', () => {
  const receiver = () => createMlflowWebhookReceiver({ secret: SECRET, now: () => NOW });

  it('signs as MLflow does: v1,base64(HMAC-SHA256("<id>.<ts>.<body>"))', () => {
    // mlflow/webhooks/delivery.py _generate_hmac_signature, written out.
    const want = `v1,${createHmac('sha256', SECRET).update('d-1.1795000000.{"a":1}').digest('base64')}`;
    expect(mlflowSignature(SECRET, 'd-1', '1795000000', '{"a":1}')).toBe(want);
  });

  it('accepts a signed alias event and names the version it moved to', () => {
    const raw = body({ entity: 'model_version_alias', action: 'created', timestamp: 'x', data: { name: 'm', alias: 'champion', version: '4' } });
    expect(receiver().verify(headers(raw), raw)).toEqual({ ok: true, duplicate: false, hint: { entity: 'model_version_alias', action: 'created', modelVersionIds: ['m/4'], relevant: true } });
  });

  it('refuses a missing, wrong or stale signature, and any call without a configured secret', () => {
    const raw = body({ entity: 'model_version', action: 'created', data: { name: 'm', version: '1' } });
    const r = receiver();
    expect(r.verify({}, raw)).toMatchObject({ ok: false, status: 401 });
    expect(r.verify(headers(raw, { secret: 'another-secret-entirely' }), raw)).toMatchObject({ ok: false, status: 401 });
    expect(r.verify(headers(body({ other: 1 })), raw)).toMatchObject({ ok: false, status: 401 });
    expect(r.verify(headers(raw, { ts: String(NOW / 1000 - 301) }), raw)).toMatchObject({ ok: false, status: 401 });
    expect(createMlflowWebhookReceiver({ secret: undefined }).verify(headers(raw), raw)).toMatchObject({ ok: false, status: 401 });
  });

  it('acknowledges a replayed delivery without acting on it; ignores prompt events', () => {
    const r = receiver();
    const raw = body({ entity: 'prompt', action: 'created', data: { name: 'p' } });
    expect(r.verify(headers(raw), raw)).toMatchObject({ ok: true, duplicate: false, hint: { relevant: false, modelVersionIds: [] } });
    expect(r.verify(headers(raw), raw)).toMatchObject({ ok: true, duplicate: true });
  });

  it('answers 400 for a signed body that is not an MLflow event', () => {
    const raw = Buffer.from('not json');
    expect(receiver().verify(headers(raw), raw)).toMatchObject({ ok: false, status: 400 });
  });
});
