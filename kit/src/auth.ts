/**
 * Identity and access. Bearer JWTs verified with jose (issuer, audience, and either a JWKS URL
 * or a shared HS256 secret). Roles are scoped per project: a token carries
 * `roles: { "<projectId>": "approver", "*": "viewer" }`. The gateway verifies and forwards the
 * token; each subgraph that owns protected data verifies it again and enforces the roles.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { appError } from './errors.ts';

export const ROLES = ['viewer', 'requester', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
const RANK: Record<Role, number> = { viewer: 1, requester: 2, approver: 3, admin: 4 };

export interface Identity {
  sub: string;
  name: string;
  /** Project id (or "*") → role. */
  roles: Record<string, Role>;
  anonymous: boolean;
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** HS256 shared secret (at least 32 characters) when no JWKS URL is configured. */
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  /** What a request without a token may do: a role on every project, or nothing. */
  anonymousRole: Role | 'none';
}

const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  roles: z.record(z.string().min(1).max(200), z.enum(ROLES)),
});

export interface Verifier {
  /** Null header → anonymous identity (or UNAUTHENTICATED if anonymous access is off). */
  identify(authorization: string | undefined | null): Promise<Identity>;
}

export function createVerifier(cfg: AuthConfig): Verifier {
  if (!cfg.jwksUrl && (!cfg.secret || cfg.secret.length < 32)) throw new Error('auth: set a JWKS URL or a shared secret of at least 32 characters');
  const key = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : new TextEncoder().encode(cfg.secret);
  return {
    async identify(authorization) {
      if (!authorization) {
        if (cfg.anonymousRole === 'none') throw appError('UNAUTHENTICATED', 'a bearer token is required');
        return { sub: 'anonymous', name: 'anonymous', roles: { '*': cfg.anonymousRole }, anonymous: true };
      }
      const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
      if (!m) throw appError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <jwt>"');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(m[1]!, key as Parameters<typeof jwtVerify>[1], { issuer: cfg.issuer, audience: cfg.audience }));
      } catch (e) {
        const code = (e as { code?: string }).code;
        const why = code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'the token was issued for another issuer or audience' : 'the token signature is not valid';
        throw appError('UNAUTHENTICATED', why);
      }
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw appError('UNAUTHENTICATED', `the token's claims are not valid: ${claims.error.issues.map((i) => i.path.join('.') || 'claims').join(', ')}`);
      return { sub: claims.data.sub, name: claims.data.name ?? claims.data.sub, roles: claims.data.roles, anonymous: false };
    },
  };
}

/** The caller's role on a project (a project entry wins over "*"); null for none. */
export function roleOn(id: Identity, projectId: string): Role | null {
  return id.roles[projectId] ?? id.roles['*'] ?? null;
}

export function hasRole(id: Identity, projectId: string, atLeast: Role): boolean {
  const r = roleOn(id, projectId);
  return r !== null && RANK[r] >= RANK[atLeast];
}

/** Throws FORBIDDEN naming the project and the role needed. */
export function requireRole(id: Identity, projectId: string, atLeast: Role, action: string): void {
  if (!hasRole(id, projectId, atLeast)) throw appError('FORBIDDEN', `${action} on project ${JSON.stringify(projectId)} needs the ${atLeast} role`);
}

/** Projects the caller may see: null means every project. */
export function visibleProjects(id: Identity): Set<string> | null {
  if (id.roles['*']) return null;
  return new Set(Object.keys(id.roles));
}

/** Signs a development token (HS256). For local use and tests only. */
export async function issueToken(
  cfg: { issuer: string; audience: string; secret: string },
  claims: { sub: string; name?: string; roles: Record<string, Role> },
  ttlSeconds = 8 * 3600,
): Promise<string> {
  return new SignJWT({ roles: claims.roles, ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(cfg.issuer)
    .setAudience(cfg.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(cfg.secret));
}

/** Dev defaults: only for local runs; a real deployment sets AUTH_SECRET or AUTH_JWKS_URL. */
export const DEV_AUTH = {
  issuer: 'mlops-gateway-dev',
  audience: 'mlops-gateway',
  secret: 'dev-only-secret-change-me-0123456789abcdef',
} as const;

/** Env entries every service that verifies tokens reads (in its env.ts). */
export const authEnv = {
  AUTH_ISSUER: z.string().default(DEV_AUTH.issuer),
  AUTH_AUDIENCE: z.string().default(DEV_AUTH.audience),
  AUTH_SECRET: z.string().min(32).default(DEV_AUTH.secret),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ANONYMOUS_ROLE: z.enum(['none', ...ROLES]).default('viewer'),
};
