import { AppError, type Identity } from '@shop/kit';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isRole } from './roles';
import { VerifiedTokens } from './verified-tokens';

export interface TokenRules {
  issuer: string;
  audience: string;
}

export interface VerifierOptions {
  /** Tokens that verified, kept until their expiry so that the next request skips the signature check (default 10,000; 0: none). */
  cacheSize?: number;
  now?: () => number;
}

export type TokenVerifier = (token: string) => Promise<Identity>;

/** 401 with the RFC 6750 challenge; `error` is left out when no credentials were sent at all. */
export function unauthorized(detail: string, error?: 'invalid_request' | 'invalid_token'): AppError {
  return new AppError({
    status: 401,
    code: error === 'invalid_token' ? 'invalid-token' : 'unauthorized',
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': error ? `Bearer error="${error}"` : 'Bearer' },
  });
}

/**
 * Verifies an access token locally: EdDSA only (so `alg: none` and HMAC-with-the-public-key tricks fail),
 * a key from the users service's JWKS, the issuer, the audience and an expiry. Any failure of the token
 * itself is a 401; failing to get the keys is the DependencyError (503) of the key resolver. A token that
 * verified is answered from memory until its expiry (see VerifiedTokens); one that failed never is.
 */
export function createTokenVerifier(resolveKey: JWTVerifyGetKey, rules: TokenRules, options: VerifierOptions = {}): TokenVerifier {
  const now = options.now ?? Date.now;
  const verified = new VerifiedTokens(options.cacheSize ?? 10_000);
  return async (token) => {
    const at = now();
    const known = verified.get(token, Math.floor(at / 1000));
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, resolveKey, {
        algorithms: ['EdDSA'],
        issuer: rules.issuer,
        audience: rules.audience,
        requiredClaims: ['exp', 'sub'],
        // The cache's clock, so that a token leaves the cache exactly when jose starts refusing it.
        currentDate: new Date(at),
      });
      // A token without a role is a customer's: the least privilege, never more.
      const role = payload.role ?? 'customer';
      if (typeof payload.sub !== 'string' || !payload.sub || !isRole(role))
        throw unauthorized('The access token has no valid subject or role', 'invalid_token');
      const identity = { sub: payload.sub, role };
      verified.set(token, identity, payload.exp ?? 0);
      return identity;
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw unauthorized('The access token has expired', 'invalid_token');
      if (e instanceof errors.JOSEError) throw unauthorized('The access token is not valid', 'invalid_token');
      throw e;
    }
  };
}

/** The token of an `Authorization: Bearer …` header; undefined when there is no header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match) throw unauthorized('Send the access token as "Authorization: Bearer <token>"', 'invalid_request');
  return match[1];
}
