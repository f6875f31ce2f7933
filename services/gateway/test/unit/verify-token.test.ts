import { AppError, DependencyError } from '@shop/kit';
import { createLocalJWKSet, decodeJwt, SignJWT, type JWTVerifyGetKey } from 'jose';
import { JwksCache } from '../../src/adapters/jwks-cache';
import { bearerToken, createTokenVerifier } from '../../src/domain/verify-token';
import { ed25519Key, issueToken, tamper, unsignedToken, type TestKeys } from '../fixtures/tokens';

const rules = { issuer: 'shop-users', audience: 'shop-api' };

describe('access token verification', () => {
  let key: TestKeys;
  let other: TestKeys;
  let verify: ReturnType<typeof createTokenVerifier>;
  beforeAll(async () => {
    key = await ed25519Key('k1');
    other = await ed25519Key('k1');
    verify = createTokenVerifier(createLocalJWKSet({ keys: [key.jwk] }), rules);
  });

  const rejected = async (token: string) => {
    const error = await verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
    return error as AppError;
  };

  it('when the token is valid, then the identity is its subject and role', async () => {
    await expect(verify(await issueToken(key, { sub: 'u-42', role: 'admin' }))).resolves.toEqual({ sub: 'u-42', role: 'admin' });
  });

  it('when the token has no role claim, then the caller is a customer, never more', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('u-1')
      .setIssuer('shop-users')
      .setAudience('shop-api')
      .setExpirationTime('5m')
      .sign(key.privateKey);
    await expect(verify(token)).resolves.toEqual({ sub: 'u-1', role: 'customer' });
  });

  it('when the token is unsigned (alg none), then it is rejected', async () => {
    await rejected(unsignedToken());
  });

  it('when the token is signed by another key with the same kid, then it is rejected', async () => {
    await rejected(await issueToken(other));
  });

  it('when the payload is tampered with (role raised to admin), then it is rejected', async () => {
    await rejected(tamper(await issueToken(key, { role: 'customer' }), { role: 'admin' }));
  });

  it('when the token has expired, then it is rejected and says so', async () => {
    const error = await rejected(await issueToken(key, { expiresIn: -60 }));
    expect(error.detail).toMatch(/expired/);
  });

  it.each([
    ['issuer', { issuer: 'someone-else' }],
    ['audience', { audience: 'another-api' }],
  ])('when the %s is wrong, then it is rejected', async (_what, options) => {
    await rejected(await issueToken(key, options));
  });

  it('when the token has no expiry, then it is rejected', async () => {
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('u-1')
      .setIssuer('shop-users')
      .setAudience('shop-api')
      .sign(key.privateKey);
    await rejected(token);
  });

  it('when the role claim is unknown, then it is rejected', async () => {
    await rejected(await issueToken(key, { role: 'superuser' }));
  });

  it('when the token is HMAC-signed with the public key as secret, then it is rejected (EdDSA only)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.jwk));
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('u-1')
      .setIssuer('shop-users')
      .setAudience('shop-api')
      .setExpirationTime('5m')
      .sign(secret);
    await rejected(token);
  });

  it('when the token is not a JWT at all, then it is rejected', async () => {
    await rejected('not.a.jwt');
  });

  it.each([
    [undefined, undefined],
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
  ])('when the Authorization header is %s, then the token is %s', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b'])('when the Authorization header is "%s", then 401 invalid_request', (header) => {
    expect(() => bearerToken(header)).toThrow(
      expect.objectContaining({ status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"' } }),
    );
  });
});

describe('JwksCache', () => {
  let k1: TestKeys;
  let k2: TestKeys;
  beforeAll(async () => {
    k1 = await ed25519Key('k1');
    k2 = await ed25519Key('k2');
  });

  function cache(answers: Array<() => Promise<unknown>>) {
    let now = 1_000_000;
    let fetches = 0;
    const c = new JwksCache(() => (answers[Math.min(fetches++, answers.length - 1)] ?? (() => Promise.reject(new Error('none'))))(), {
      refetchMs: 30_000,
      now: () => now,
    });
    return { verify: createTokenVerifier(c.resolve, rules), fetches: () => fetches, advance: (ms: number) => (now += ms) };
  }

  it('when tokens of a known key arrive, then the JWKS is fetched once and served from cache', async () => {
    const c = cache([async () => ({ keys: [k1.jwk] })]);
    for (let i = 0; i < 3; i++) await expect(c.verify(await issueToken(k1))).resolves.toMatchObject({ sub: 'user-1' });
    expect(c.fetches()).toBe(1);
  });

  it('when an unknown kid appears, then the JWKS is refetched once, and not again within 30 s', async () => {
    const c = cache([async () => ({ keys: [k1.jwk] }), async () => ({ keys: [k1.jwk, k2.jwk] })]);
    await c.verify(await issueToken(k1));
    c.advance(31_000);
    await expect(c.verify(await issueToken(k2))).resolves.toMatchObject({ sub: 'user-1' });
    expect(c.fetches()).toBe(2);
    await expect(c.verify(await issueToken(k2, { kid: 'forged-kid' }))).rejects.toMatchObject({ status: 401 });
    expect(c.fetches()).toBe(2);
  });

  it('when an unknown kid appears right after a fetch, then it is rejected without a refetch', async () => {
    const c = cache([async () => ({ keys: [k1.jwk] }), async () => ({ keys: [k1.jwk, k2.jwk] })]);
    await c.verify(await issueToken(k1));
    await expect(c.verify(await issueToken(k2))).rejects.toMatchObject({ status: 401 });
    expect(c.fetches()).toBe(1);
  });

  it('when the first fetch fails, then verification fails with 503 and a later request fetches again', async () => {
    const c = cache([() => Promise.reject(new Error('users is down')), async () => ({ keys: [k1.jwk] })]);
    const token = await issueToken(k1);
    await expect(c.verify(token)).rejects.toBeInstanceOf(DependencyError);
    await expect(c.verify(token)).rejects.toMatchObject({ status: 503 });
    expect(c.fetches()).toBe(1);
    c.advance(1_500);
    await expect(c.verify(token)).resolves.toMatchObject({ role: 'customer' });
  });

  it('when users answers something that is not a JWKS, then verification fails with 503', async () => {
    const c = cache([async () => '<html>oops</html>']);
    await expect(c.verify(await issueToken(k1))).rejects.toMatchObject({ status: 503 });
  });
});

describe('verified-token cache', () => {
  let key: TestKeys;
  beforeAll(async () => {
    key = await ed25519Key('k1');
  });

  /** A verifier on a clock of its own (`probe.now`) that counts its key lookups (signature checks). */
  function counting(options: { cacheSize?: number; failFirst?: boolean } = {}) {
    const jwks = createLocalJWKSet({ keys: [key.jwk] });
    const probe = { now: Date.now(), lookups: 0 };
    const resolve: JWTVerifyGetKey = async (header, token) => {
      if (++probe.lookups === 1 && options.failFirst) throw new DependencyError('app users', 'down');
      return jwks(header, token);
    };
    const cacheSize = options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize };
    return { probe, verify: createTokenVerifier(resolve, rules, { now: () => probe.now, ...cacheSize }) };
  }

  it('when the same token is verified again, then the identity comes from the cache without checking the signature', async () => {
    const { probe, verify } = counting();
    const token = await issueToken(key, { sub: 'u-1', role: 'admin' });
    await expect(verify(token)).resolves.toEqual({ sub: 'u-1', role: 'admin' });
    await expect(verify(token)).resolves.toEqual({ sub: 'u-1', role: 'admin' });
    expect(probe.lookups).toBe(1);
    await expect(verify(tamper(token, { sub: 'u-2' }))).rejects.toMatchObject({ status: 401 });
  });

  it('when a cached token reaches its exp, then it is refused as expired: never served longer', async () => {
    const { probe, verify } = counting();
    const token = await issueToken(key, { expiresIn: 60 });
    const exp = decodeJwt(token).exp!;
    probe.now = exp * 1000 - 10_000;
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    probe.now = exp * 1000 - 1;
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    expect(probe.lookups).toBe(1);
    probe.now = exp * 1000;
    const error = await verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 401, detail: expect.stringMatching(/expired/) });
  });

  it('when a token fails verification, then the failure is not cached: it is checked and refused every time', async () => {
    const { probe, verify } = counting();
    const token = await issueToken(key, { audience: 'another-api' });
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
    await expect(verify(token)).rejects.toMatchObject({ status: 401 });
    expect(probe.lookups).toBe(2);
  });

  it('when the keys could not be had for a token, then the next request verifies it afresh', async () => {
    const { probe, verify } = counting({ failFirst: true });
    const token = await issueToken(key);
    await expect(verify(token)).rejects.toBeInstanceOf(DependencyError);
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    expect(probe.lookups).toBe(2);
  });

  it('when more tokens verify than the cache holds, then the oldest is dropped and verified again', async () => {
    const { probe, verify } = counting({ cacheSize: 2 });
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => issueToken(key, { sub })));
    for (const token of tokens) await verify(token);
    expect(probe.lookups).toBe(3);
    await verify(tokens[2]!);
    expect(probe.lookups).toBe(3);
    await expect(verify(tokens[0]!)).resolves.toMatchObject({ sub: 'a' });
    expect(probe.lookups).toBe(4);
  });
});
