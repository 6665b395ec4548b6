/** Dev tokens for tests, signed with the same dev secret the embedded stack verifies. */
import { DEV_AUTH, issueToken, type Role } from '@mlops/kit';

export const token = (sub: string, roles: Record<string, Role>, ttlSeconds?: number) =>
  issueToken({ issuer: DEV_AUTH.issuer, audience: DEV_AUTH.audience, secret: DEV_AUTH.secret }, { sub, roles }, ttlSeconds);

/**
 * The release workflow's cast on one project: rita requests, arno and beth approve (four-eyes
 * needs two), ada administers. In this order, so callers destructure [req, ap1, ap2, admin].
 */
export const releaseTokens = (projectId: string) =>
  Promise.all([
    token('rita.requester', { [projectId]: 'requester' }),
    token('arno.approver', { [projectId]: 'approver' }),
    token('beth.approver', { [projectId]: 'approver' }),
    token('ada.admin', { [projectId]: 'admin' }),
  ]);
