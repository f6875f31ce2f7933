import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { str } from './config';
import { AppError, UnauthorizedError } from './errors';

// The gateway authenticates callers (bearer JWTs) and forwards who they are to upstream services, signed
// with an Ed25519 key only the gateway holds and addressed to one audience: the app id of the service it
// calls. Services hold only the gateway's public key, so none can mint an identity, and each accepts only
// identities addressed to itself, so none can replay one it received against another service. Upstreams
// never accept a user id any other way, and a forwarded identity expires within a minute.
//
//   x-shop-identity            base64url(JSON {sub, role, aud, exp})
//   x-shop-identity-sig        base64url(Ed25519 signature of the x-shop-identity text)
//   x-shop-identity-delegated  `<identity>.<sig>` tokens, comma-separated: identities the gateway signed for
//                              the services this request may call as the caller (checkout reads the
//                              cart and the payment method as the customer); passed on unchanged
//                              (identityHeadersFor), each is good only at its own audience.

export type Role = 'customer' | 'admin';

export interface Identity {
  sub: string;
  role: Role;
  /** Identities the gateway signed for other services this request may call as the caller, by app id. */
  delegated?: Readonly<Record<string, string>>;
}

export const IDENTITY_HEADER = 'x-shop-identity';
export const IDENTITY_SIG_HEADER = 'x-shop-identity-sig';
export const IDENTITY_DELEGATED_HEADER = 'x-shop-identity-delegated';
const DEFAULT_TTL_SECONDS = 60;
/** Far above a real identity (~150 bytes): anything longer is refused before it is parsed or verified. */
const MAX_PAYLOAD_LENGTH = 1024;
const MAX_DELEGATED = 8;

/** The one setting of every service that checks forwarded identities: where the gateway's public key is. */
export const identitySettings = {
  identityPublicKeySecret: str('GATEWAY_IDENTITY_PUBLIC_KEY_SECRET', {
    doc: "name of the secret with the gateway's Ed25519 public key (SPKI PEM) that forwarded identities are checked with",
    default: 'gateway-identity-public-key',
  }),
};

/** The gateway's signing key from its PKCS#8 PEM, parsed once at start; anything but Ed25519 is refused. */
export function identitySigningKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the identity signing key must be an Ed25519 private key');
  return key;
}

/**
 * The gateway's public key from its SPKI PEM, parsed once at start. A private key is refused even though
 * node could derive the public half from it: a service holding it could mint identities.
 */
export function identityPublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) throw new Error('the identity public key secret holds a private key: services get the public key only');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the identity public key must be an Ed25519 public key');
  return key;
}

/** What a service checks a forwarded identity against: the gateway's public key and its own app id. */
export interface IdentityVerifier {
  publicKey: KeyObject;
  audience: string;
}

export function identityVerifier(publicKey: KeyObject, audience: string): IdentityVerifier {
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519')
    throw new Error('identities are verified with an Ed25519 public key');
  return { publicKey, audience };
}

export interface SignOptions {
  ttlSeconds?: number;
  now?: number;
  /** App ids the audience may call as this caller within this request: each gets its own identity. */
  onBehalfOf?: readonly string[];
}

interface Claims {
  sub: string;
  role: Role;
  aud: string;
  exp: number;
}

function token(privateKey: KeyObject, claims: Claims): { payload: string; sig: string } {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { payload, sig: sign(null, Buffer.from(payload), privateKey).toString('base64url') };
}

/** The headers that carry `identity` to the app `audience` (the gateway's side; only it has the key). */
export function signIdentity(
  privateKey: KeyObject,
  audience: string,
  identity: Identity,
  options: SignOptions = {},
): Record<string, string> {
  const exp = Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS);
  const own = token(privateKey, { sub: identity.sub, role: identity.role, aud: audience, exp });
  const headers: Record<string, string> = { [IDENTITY_HEADER]: own.payload, [IDENTITY_SIG_HEADER]: own.sig };
  const delegated = (options.onBehalfOf ?? []).map((aud) => token(privateKey, { sub: identity.sub, role: identity.role, aud, exp }));
  if (delegated.length) headers[IDENTITY_DELEGATED_HEADER] = delegated.map((t) => `${t.payload}.${t.sig}`).join(',');
  return headers;
}

/** The claims of one signed identity, checked: signature by the gateway's key, shape, expiry. */
function verified(publicKey: KeyObject, payload: string, sig: string, now: number): Claims {
  if (payload.length > MAX_PAYLOAD_LENGTH) throw new UnauthorizedError('Malformed forwarded identity');
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(payload), publicKey, Buffer.from(sig, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) throw new UnauthorizedError('Forwarded identity is not signed by the gateway');
  let claims: Partial<Claims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Claims>;
  } catch {
    throw new UnauthorizedError('Malformed forwarded identity');
  }
  if (
    typeof claims !== 'object' ||
    claims === null ||
    typeof claims.sub !== 'string' ||
    (claims.role !== 'customer' && claims.role !== 'admin') ||
    typeof claims.aud !== 'string' ||
    typeof claims.exp !== 'number'
  ) {
    throw new UnauthorizedError('Malformed forwarded identity');
  }
  if (claims.exp * 1000 < now) throw new UnauthorizedError('Forwarded identity has expired');
  return claims as Claims;
}

/**
 * The identity the gateway forwarded to this service, or undefined when none was sent. One that is
 * forged, altered, expired, or addressed to another service throws Unauthorized; so does a delegated
 * identity that is any of those or names another caller.
 */
export function verifyIdentity(
  verifier: IdentityVerifier,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): Identity | undefined {
  const payload = headers[IDENTITY_HEADER];
  const sig = headers[IDENTITY_SIG_HEADER];
  const delegatedHeader = headers[IDENTITY_DELEGATED_HEADER];
  if (payload === undefined && sig === undefined && delegatedHeader === undefined) return undefined;
  if (typeof payload !== 'string' || typeof sig !== 'string') throw new UnauthorizedError('Malformed forwarded identity');
  const claims = verified(verifier.publicKey, payload, sig, now);
  if (claims.aud !== verifier.audience) throw new UnauthorizedError('Forwarded identity is for another service');
  const identity: Identity = { sub: claims.sub, role: claims.role };
  if (delegatedHeader === undefined) return identity;
  if (typeof delegatedHeader !== 'string') throw new UnauthorizedError('Malformed forwarded identity');
  const tokens = delegatedHeader.split(',');
  if (tokens.length > MAX_DELEGATED) throw new UnauthorizedError('Malformed forwarded identity');
  const delegated: Record<string, string> = {};
  for (const t of tokens) {
    const [p, s, ...rest] = t.trim().split('.');
    if (!p || !s || rest.length) throw new UnauthorizedError('Malformed forwarded identity');
    const d = verified(verifier.publicKey, p, s, now);
    if (d.sub !== claims.sub || d.role !== claims.role) throw new UnauthorizedError('Delegated identity names another caller');
    delegated[d.aud] = `${p}.${s}`;
  }
  return { ...identity, delegated };
}

/**
 * The headers that call `appId` as the caller of this request: the identity the gateway signed for that
 * app, passed on unchanged. A service cannot make one itself, nor reuse its own (it is addressed to it),
 * so without the gateway's delegation the call is refused here (403) before it is made.
 */
export function identityHeadersFor(identity: Identity, appId: string): Record<string, string> {
  const [payload, sig] = identity.delegated?.[appId]?.split('.') ?? [];
  if (!payload || !sig) {
    throw new AppError({
      status: 403,
      code: 'forbidden',
      title: 'Forbidden',
      detail: `This request may not act for its caller at ${appId}`,
    });
  }
  return { [IDENTITY_HEADER]: payload, [IDENTITY_SIG_HEADER]: sig };
}

/** The caller's identity; 401 when the route needs one and none was forwarded. */
export function requireIdentity(state: unknown): Identity {
  const identity = (state as { identity?: Identity }).identity;
  if (!identity) throw new UnauthorizedError('Sign in to use this resource');
  return identity;
}
