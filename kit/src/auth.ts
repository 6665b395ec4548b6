/**
 * Identity and access. Bearer JWTs verified with jose (issuer, audience, and either a JWKS URL
 * or a shared HS256 secret). Roles are scoped per project: a token carries
 * `roles: { "<projectId>": "approver", "*": "viewer" }`. The gateway verifies and forwards the
 * token; each subgraph that owns protected data verifies it again and enforces the roles.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { appError } from './errors.ts';

export const ROLES = ['viewer', 'requester', 'approver', 'admin', 'platform-writer'] as const;
export type Role = (typeof ROLES)[number];
/**
 * `platform-writer` is outside the ladder (rank 0): it lets a platform push events to the
 * ingestion endpoints and confers nothing else, not even reading.
 */
const RANK: Record<Role, number> = { 'platform-writer': 0, viewer: 1, requester: 2, approver: 3, admin: 4 };

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
  /** Longest lifetime (exp − iat, or exp − now without iat) a token may have, in seconds (default 24 h). */
  maxTokenTtlSeconds?: number;
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

/** Asymmetric algorithms an identity provider's JWKS may sign with; `none` and HS* never. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export function createVerifier(cfg: AuthConfig): Verifier {
  if (!cfg.jwksUrl && (!cfg.secret || cfg.secret.length < 32)) throw new Error('auth: set a JWKS URL or a shared secret of at least 32 characters');
  const key = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl), { timeoutDuration: 5_000 }) : new TextEncoder().encode(cfg.secret);
  // A secret verifies HS256 only; a JWKS only asymmetric algorithms, so a token signed with a
  // leaked shared secret (or alg "none") can never pass as an identity provider's.
  const algorithms = cfg.jwksUrl ? JWKS_ALGORITHMS : ['HS256'];
  const maxTtl = cfg.maxTokenTtlSeconds ?? 24 * 3600;
  // A client sends the same token with every request until it expires. jose verifies through
  // WebCrypto, a job on libuv's thread pool per call: about a quarter of the gateway process's
  // CPU per flagship request on the hive-router engine (BENCHMARKS.md). A token that verified
  // is remembered until its expiry, and for a minute at most, so a JWKS key that was rotated
  // out stops admitting its tokens within a minute. Failures are never remembered.
  const verified = new Map<string, { id: Identity; until: number }>();
  return {
    async identify(authorization) {
      if (!authorization) {
        if (cfg.anonymousRole === 'none') throw appError('UNAUTHENTICATED', 'a bearer token is required');
        return { sub: 'anonymous', name: 'anonymous', roles: { '*': cfg.anonymousRole }, anonymous: true };
      }
      const hit = verified.get(authorization);
      if (hit) {
        if (hit.until > Date.now()) return hit.id;
        verified.delete(authorization);
      }
      const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
      if (!m) throw appError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <jwt>"');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(m[1]!, key as Parameters<typeof jwtVerify>[1], { issuer: cfg.issuer, audience: cfg.audience, algorithms }));
      } catch (e) {
        const code = (e as { code?: string }).code;
        const why =
          code === 'ERR_JWT_EXPIRED'
            ? 'the token has expired'
            : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
              ? 'the token was issued for another issuer or audience'
              : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
                ? 'the token is signed with an algorithm that is not accepted'
                : 'the token signature is not valid';
        throw appError('UNAUTHENTICATED', why);
      }
      // A token without exp would be valid forever; one valid for weeks is a leaked credential waiting to happen.
      if (typeof payload.exp !== 'number') throw appError('UNAUTHENTICATED', 'the token carries no exp (expiry) claim');
      const issued = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
      if (payload.exp - issued > maxTtl) throw appError('UNAUTHENTICATED', `the token is valid for longer than the allowed ${maxTtl} s`);
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw appError('UNAUTHENTICATED', `the token's claims are not valid: ${claims.error.issues.map((i) => i.path.join('.') || 'claims').join(', ')}`);
      const id: Identity = Object.freeze({ sub: claims.data.sub, name: claims.data.name ?? claims.data.sub, roles: Object.freeze(claims.data.roles), anonymous: false });
      if (verified.size >= 10_000) verified.clear();
      verified.set(authorization, { id, until: Math.min(payload.exp * 1000, Date.now() + 60_000) });
      return id;
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
  // platform-writer confers no reading: a push-only credential sees nothing.
  const reads = Object.entries(id.roles).filter(([, r]) => RANK[r] > 0);
  if (reads.some(([p]) => p === '*')) return null;
  return new Set(reads.map(([p]) => p));
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

/**
 * The caller as the gateway vouches for it to the subgraphs: a short-lived HS256 token signed
 * with the internal key the gateway and subgraphs share, in its own header. Subgraphs answer
 * only requests that carry one, so nothing reaches them around the gateway, and they never
 * need the identity provider themselves.
 */
export const CALLER_HEADER = 'x-mlops-caller';
const INTERNAL = { issuer: 'mlops-gateway', audience: 'mlops-subgraphs' } as const;

const IdentityClaims = z.object({ sub: z.string().min(1).max(200), name: z.string().max(200), roles: z.record(z.string().min(1).max(200), z.enum(ROLES)), anonymous: z.boolean() });

/** Signs the caller for the subgraphs (valid for `ttlSeconds`, default 120). */
export async function signCaller(internalKey: string, id: Identity, ttlSeconds = 120): Promise<string> {
  return new SignJWT({ name: id.name, roles: id.roles, anonymous: id.anonymous })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(id.sub)
    .setIssuer(INTERNAL.issuer)
    .setAudience(INTERNAL.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(internalKey));
}

/** Verifies the gateway's caller header; throws UNAUTHENTICATED when missing or not valid. */
export function createCallerVerifier(internalKey: string): (header: string | undefined | null) => Promise<Identity> {
  if (internalKey.length < 32) throw new Error('auth: the internal key must have at least 32 characters');
  const key = new TextEncoder().encode(internalKey);
  // The gateway signs one header per request and sends it to several subgraphs (often more
  // than once): remember recent verifications instead of verifying the same bytes again.
  const recent = new Map<string, { id: Identity; exp: number }>();
  return async (header) => {
    if (!header) throw appError('UNAUTHENTICATED', 'this service answers only requests that come through the gateway');
    const now = Math.floor(Date.now() / 1000);
    const hit = recent.get(header);
    if (hit && hit.exp > now) return hit.id;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(header, key, { issuer: INTERNAL.issuer, audience: INTERNAL.audience, algorithms: ['HS256'] }));
    } catch {
      throw appError('UNAUTHENTICATED', 'this service answers only requests that come through the gateway');
    }
    const c = IdentityClaims.parse({ ...payload, sub: payload.sub });
    const id: Identity = { sub: c.sub, name: c.name, roles: c.roles, anonymous: c.anonymous };
    if (recent.size > 10_000) recent.clear();
    recent.set(header, { id, exp: payload.exp ?? now });
    return id;
  };
}

/** Normalized identity for comparisons (four-eyes): Unicode NFKC, trimmed, case-folded. */
export function normalizeSubject(sub: string): string {
  return sub.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
