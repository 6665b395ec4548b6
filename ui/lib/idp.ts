/**
 * Verifies a token issued by the organisation's OIDC identity provider (pasted on the sign-in
 * page) before the UI keeps it in the session cookie: signature against the provider's JWKS,
 * issuer, audience, and an expiry. The gateway verifies it again on every request; this check
 * keeps garbage, expired and foreign tokens out of the cookie and tells the user why.
 * Server code only.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { IdpConfig } from '@/lib/server-env';

/** Asymmetric algorithms only: never `none`, never HS* (a token signed with a shared or leaked secret). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Why a token was refused: a stable code for clients, a sentence for people. */
export type TokenReason = 'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience' | 'missing_claim' | 'algorithm_not_allowed' | 'bad_signature' | 'malformed';

export type TokenCheck =
  | { ok: true; sub: string; exp: number }
  | { ok: false; status: 401; reason: TokenReason; message: string }
  | { ok: false; status: 503; reason: 'idp_unavailable'; message: string };

const jwksSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function jwksFor(url: URL) {
  let set = jwksSets.get(url.href);
  if (!set) {
    // jose caches the key set and refetches it (at most every 30 s) when a token names an unknown kid.
    set = createRemoteJWKSet(url, { timeoutDuration: 5_000 });
    jwksSets.set(url.href, set);
  }
  return set;
}

function refusal(e: unknown): TokenCheck {
  const err = e as { code?: string; claim?: string; reason?: string };
  const no = (reason: TokenReason, message: string): TokenCheck => ({ ok: false, status: 401, reason, message });
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return no('expired', 'the token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (err.reason === 'missing') return no('missing_claim', `the token carries no ${err.claim} claim`);
      if (err.claim === 'iss') return no('wrong_issuer', 'the token was issued by another issuer');
      if (err.claim === 'aud') return no('wrong_audience', 'the token was issued for another audience');
      if (err.claim === 'nbf') return no('not_yet_valid', 'the token is not valid yet');
      return no('malformed', err.claim ? `the token's ${err.claim} claim is not valid` : "the token's claims are not valid");
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return no('algorithm_not_allowed', 'the token is signed with an algorithm the identity provider does not use (only asymmetric signatures are accepted)');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return no('bad_signature', 'the token signature is not valid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return no('bad_signature', 'the token is not signed by a key the identity provider publishes');
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return { ok: false, status: 503, reason: 'idp_unavailable', message: 'the identity provider’s keys could not be fetched' };
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWT_CLAIM_INVALID':
      return no('malformed', 'this is not a valid token');
    default:
      // fetch failed (connection refused, DNS): the provider, not the token.
      if (e instanceof TypeError) return { ok: false, status: 503, reason: 'idp_unavailable', message: 'the identity provider’s keys could not be fetched' };
      return no('malformed', 'this is not a valid token');
  }
}

export async function verifyIdpToken(token: string, cfg: IdpConfig): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, jwksFor(cfg.jwksUrl), {
      issuer: cfg.issuer,
      audience: cfg.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: 30,
    });
    return { ok: true, sub: String(payload.sub), exp: payload.exp! };
  } catch (e) {
    return refusal(e);
  }
}
