import { AppError, type Identity } from '@shop/kit';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isRole } from '../domain/roles';

export interface TokenRules {
  issuer: string;
  audience: string;
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
 * itself is a 401; failing to get the keys is the DependencyError (503) of the key resolver.
 */
export function createTokenVerifier(resolveKey: JWTVerifyGetKey, rules: TokenRules): TokenVerifier {
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, resolveKey, {
        algorithms: ['EdDSA'],
        issuer: rules.issuer,
        audience: rules.audience,
        requiredClaims: ['exp', 'sub'],
      });
      // A token without a role is a customer's: the least privilege, never more.
      const role = payload.role ?? 'customer';
      if (typeof payload.sub !== 'string' || !payload.sub || !isRole(role))
        throw unauthorized('The access token has no valid subject or role', 'invalid_token');
      return { sub: payload.sub, role };
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
