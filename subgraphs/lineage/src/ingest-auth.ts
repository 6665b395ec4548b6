/**
 * Who may push events: a platform that signs the exact body with the shared ingest secret
 * (`X-Signature: sha256=<hex HMAC-SHA256>`, the same scheme as our release webhooks and
 * MLflow's), or a caller whose token has the `platform-writer` (or `admin`) role on every
 * project (`"*"`), since one batch can touch any project. Anything else is refused before the
 * body is even parsed as events.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createVerifier, type AuthConfig } from '@mlops/kit';

export interface IngestAuth {
  /** Null when allowed, else the reason (for a 401/403 body). */
  check(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): Promise<{ status: 401 | 403; message: string } | null>;
}

export function createIngestAuth(opts: { auth: AuthConfig; ingestSecret?: string | undefined }): IngestAuth {
  // Anonymous push is never allowed, whatever anonymous may read.
  const verifier = createVerifier({ ...opts.auth, anonymousRole: 'none' });
  return {
    async check(headers, rawBody) {
      const sig = headers['x-signature'];
      if (typeof sig === 'string' && opts.ingestSecret) {
        const want = Buffer.from(`sha256=${createHmac('sha256', opts.ingestSecret).update(rawBody).digest('hex')}`);
        const got = Buffer.from(sig);
        if (got.length === want.length && timingSafeEqual(got, want)) return null;
        return { status: 401, message: 'the X-Signature does not match the body' };
      }
      const authorization = headers.authorization;
      if (typeof authorization !== 'string') return { status: 401, message: 'pushing events needs a bearer token with the platform-writer role, or an X-Signature' };
      try {
        const id = await verifier.identify(authorization);
        const role = id.roles['*'];
        if (role === 'platform-writer' || role === 'admin') return null;
        return { status: 403, message: 'pushing events needs the platform-writer role on every project ("*")' };
      } catch (e) {
        return { status: 401, message: (e as Error).message };
      }
    },
  };
}
