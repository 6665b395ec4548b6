/** Dev tokens for tests, signed with the same dev secret the embedded stack verifies. */
import { DEV_AUTH, issueToken, type Role } from '@mlops/kit';

export const token = (sub: string, roles: Record<string, Role>, ttlSeconds?: number) =>
  issueToken({ issuer: DEV_AUTH.issuer, audience: DEV_AUTH.audience, secret: DEV_AUTH.secret }, { sub, roles }, ttlSeconds);
