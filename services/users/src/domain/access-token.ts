import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify, type JWTPayload } from 'jose';
import type { Role } from '@shop/kit';

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  aud: string;
  sub: string;
  role: Role;
  iat: number;
  exp: number;
  jti: string;
}

/**
 * Signs access tokens with one Ed25519 key and publishes its public half as a JWKS. The key id is the
 * key's RFC 7638 thumbprint, so it changes exactly when the key does and verifiers can cache by it.
 */
export class AccessTokenIssuer {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    readonly jwk: PublicJwk,
    private readonly options: AccessTokenOptions,
  ) {}

  /** From a PKCS#8 PEM; anything but an Ed25519 private key stops start-up. */
  static async fromPem(pem: string, options: AccessTokenOptions): Promise<AccessTokenIssuer> {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the token signing key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType ?? privateKey.type}`);
    }
    const publicKey = createPublicKey(privateKey);
    const { x } = await exportJWK(publicKey);
    if (!x) throw new Error('cannot export the public signing key');
    const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
    return new AccessTokenIssuer(privateKey, publicKey, { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }, options);
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  get jwks(): { keys: PublicJwk[] } {
    return { keys: [this.jwk] };
  }

  async issue(subject: { id: string; role: Role }, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ role: subject.role })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.jwk.kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(subject.id)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Verifies signature, algorithm, issuer, audience and expiry (for tests and tools; the gateway verifies via the JWKS). */
  async verify(token: string, now = Date.now()): Promise<AccessTokenClaims> {
    const { payload } = await jwtVerify(token, this.publicKey, {
      algorithms: ['EdDSA'],
      issuer: this.options.issuer,
      audience: this.options.audience,
      currentDate: new Date(now),
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    });
    return payload as AccessTokenClaims;
  }
}
