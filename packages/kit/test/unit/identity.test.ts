import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import {
  AppError,
  UnauthorizedError,
  identityHeadersFor,
  identityPublicKey,
  identitySigningKey,
  identityVerifier,
  signIdentity,
  verifyIdentity,
} from '../../src';

const gateway = generateKeyPairSync('ed25519');
const cart = identityVerifier(gateway.publicKey, 'cart');
const orders = identityVerifier(gateway.publicKey, 'orders');
const customer = { sub: 'u-1', role: 'customer' } as const;

describe('forwarded identity', () => {
  it("when signed by the gateway's key for this service, then it verifies to the same identity", () => {
    const headers = signIdentity(gateway.privateKey, 'cart', customer);
    expect(verifyIdentity(cart, headers)).toEqual({ sub: 'u-1', role: 'customer' });
  });

  it('when no identity headers are sent, then there is no identity (not an error)', () => {
    expect(verifyIdentity(cart, {})).toBeUndefined();
  });

  it('when it was signed for another service, then it is refused (401): an identity for cart is no good at orders', () => {
    const forCart = signIdentity(gateway.privateKey, 'cart', customer);
    expect(() => verifyIdentity(orders, forCart)).toThrow(UnauthorizedError);
    expect(() => verifyIdentity(orders, forCart)).toThrow(/another service/);
  });

  it('when the payload is altered to claim admin, then it is refused', () => {
    const headers = signIdentity(gateway.privateKey, 'cart', customer);
    const forged = Buffer.from(
      JSON.stringify({ sub: 'u-1', role: 'admin', aud: 'cart', exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    expect(() => verifyIdentity(cart, { ...headers, 'x-shop-identity': forged })).toThrow(UnauthorizedError);
  });

  it('when the payload is altered to another audience, then it is refused', () => {
    const headers = signIdentity(gateway.privateKey, 'orders', customer);
    const retargeted = Buffer.from(
      Buffer.from(headers['x-shop-identity']!, 'base64url').toString('utf8').replace('"aud":"orders"', '"aud":"cart"'),
    ).toString('base64url');
    expect(() => verifyIdentity(cart, { ...headers, 'x-shop-identity': retargeted })).toThrow(UnauthorizedError);
  });

  it('when signed with another Ed25519 key or without a signature, then it is refused', () => {
    const other = generateKeyPairSync('ed25519');
    expect(() => verifyIdentity(cart, signIdentity(other.privateKey, 'cart', { sub: 'u-1', role: 'admin' }))).toThrow(UnauthorizedError);
    expect(() =>
      verifyIdentity(cart, { 'x-shop-identity': signIdentity(gateway.privateKey, 'cart', { sub: 'u', role: 'admin' })['x-shop-identity'] }),
    ).toThrow(UnauthorizedError);
  });

  it('when it comes in the former HMAC format (shared key), then it is refused', () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'u-1', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })).toString(
      'base64url',
    );
    const hmac = createHmac('sha256', 'gateway-identity-key').update(payload).digest('base64url');
    expect(() => verifyIdentity(cart, { 'x-shop-identity': payload, 'x-shop-identity-sig': hmac })).toThrow(UnauthorizedError);
    // Even with the audience the new format needs, an HMAC is no Ed25519 signature.
    const withAud = Buffer.from(
      JSON.stringify({ sub: 'u-1', role: 'admin', aud: 'cart', exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    const hmac2 = createHmac('sha256', 'gateway-identity-key').update(withAud).digest('base64url');
    expect(() => verifyIdentity(cart, { 'x-shop-identity': withAud, 'x-shop-identity-sig': hmac2 })).toThrow(UnauthorizedError);
  });

  it('when it has expired, then it is refused', () => {
    const headers = signIdentity(gateway.privateKey, 'cart', customer, { ttlSeconds: 60, now: Date.now() - 120_000 });
    expect(() => verifyIdentity(cart, headers)).toThrow(UnauthorizedError);
    expect(() => verifyIdentity(cart, headers)).toThrow(/expired/);
  });

  it('when the identity is oversized, not JSON or sent twice, then it is refused (401, never a 5xx)', () => {
    const big = Buffer.from('x'.repeat(5_000)).toString('base64url');
    expect(() => verifyIdentity(cart, { 'x-shop-identity': big, 'x-shop-identity-sig': 'AAAA' })).toThrow(UnauthorizedError);
    const notJson = Buffer.from('not json').toString('base64url');
    const signed = sign(null, Buffer.from(notJson), gateway.privateKey).toString('base64url');
    expect(() => verifyIdentity(cart, { 'x-shop-identity': notJson, 'x-shop-identity-sig': signed })).toThrow(/Malformed/);
    const headers = signIdentity(gateway.privateKey, 'cart', customer);
    expect(() => verifyIdentity(cart, { ...headers, 'x-shop-identity-sig': [headers['x-shop-identity-sig']!, 'x'] })).toThrow(/Malformed/);
  });
});

describe('identities delegated by the gateway', () => {
  const checkout = () => signIdentity(gateway.privateKey, 'orders', customer, { onBehalfOf: ['cart', 'payments'] });

  it('when the gateway delegates cart to an orders request, then orders can call cart as the caller, and cart accepts it', () => {
    const atOrders = verifyIdentity(orders, checkout())!;
    expect(atOrders).toMatchObject({ sub: 'u-1', role: 'customer' });
    expect(verifyIdentity(cart, identityHeadersFor(atOrders, 'cart'))).toEqual({ sub: 'u-1', role: 'customer' });
  });

  it('when orders passes on its own identity to cart instead, then cart refuses it (401)', () => {
    expect(() => verifyIdentity(cart, checkout())).toThrow(/another service/);
  });

  it('when a service was not delegated for an app, then calling it as the caller is refused before the call (403)', () => {
    const atOrders = verifyIdentity(orders, checkout())!;
    expect(() => identityHeadersFor(atOrders, 'users')).toThrow(AppError);
    expect(() => identityHeadersFor(atOrders, 'users')).toThrow(expect.objectContaining({ status: 403 }));
    const plain = verifyIdentity(cart, signIdentity(gateway.privateKey, 'cart', customer))!;
    expect(() => identityHeadersFor(plain, 'catalog')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('when a delegated identity is forged, names another caller or has expired, then the whole request is refused (401)', () => {
    const other = generateKeyPairSync('ed25519');
    const forged = signIdentity(other.privateKey, 'x', customer, { onBehalfOf: ['cart'] })['x-shop-identity-delegated']!;
    expect(() => verifyIdentity(orders, { ...checkout(), 'x-shop-identity-delegated': forged })).toThrow(UnauthorizedError);
    const admin = signIdentity(gateway.privateKey, 'x', { sub: 'u-2', role: 'admin' }, { onBehalfOf: ['cart'] })[
      'x-shop-identity-delegated'
    ]!;
    expect(() => verifyIdentity(orders, { ...checkout(), 'x-shop-identity-delegated': admin })).toThrow(/another caller/);
    const old = signIdentity(gateway.privateKey, 'x', customer, { onBehalfOf: ['cart'], now: Date.now() - 120_000 })[
      'x-shop-identity-delegated'
    ]!;
    expect(() => verifyIdentity(orders, { ...checkout(), 'x-shop-identity-delegated': old })).toThrow(/expired/);
    expect(() => verifyIdentity(orders, { ...checkout(), 'x-shop-identity-delegated': 'a.b.c' })).toThrow(UnauthorizedError);
  });
});

describe('identity keys', () => {
  const pems = () => {
    const k = generateKeyPairSync('ed25519');
    return {
      privatePem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicPem: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  };

  it('when read from their PEMs, then the private key signs what the public key verifies', () => {
    const { privatePem, publicPem } = pems();
    const headers = signIdentity(identitySigningKey(privatePem), 'cart', customer);
    expect(verifyIdentity(identityVerifier(identityPublicKey(publicPem), 'cart'), headers)).toEqual(customer);
  });

  it('when a service is given the private key as its public key, or a key of another type, then it does not start', () => {
    const { privatePem } = pems();
    expect(() => identityPublicKey(privatePem)).toThrow(/private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => identityPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/Ed25519/);
    expect(() => identitySigningKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(/Ed25519/);
    expect(() => identityVerifier(gateway.privateKey, 'cart')).toThrow(/public key/);
  });
});
