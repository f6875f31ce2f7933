import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { AccessTokenIssuer } from '../../src/domain/access-token';

const pair = generateKeyPairSync('ed25519');
const PEM = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const OPTIONS = { issuer: 'shop-users', audience: 'shop-api', ttlSeconds: 900 };
const NOW = Date.parse('2026-01-01T12:00:00.000Z');
const SUB = '0dfeb6db-385b-4f8c-94fc-d5a2ded8bc48';

describe('AccessTokenIssuer', () => {
  let issuer: AccessTokenIssuer;
  beforeAll(async () => {
    issuer = await AccessTokenIssuer.fromPem(PEM, OPTIONS);
  });

  it('when a token is issued, then it carries exactly the agreed claims', async () => {
    const token = await issuer.issue({ id: SUB, role: 'admin' }, NOW);
    const claims = await issuer.verify(token, NOW);
    expect(claims).toEqual({
      iss: 'shop-users',
      aud: 'shop-api',
      sub: SUB,
      role: 'admin',
      iat: NOW / 1000,
      exp: NOW / 1000 + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('when two tokens are issued, then their jti differ', async () => {
    const [a, b] = await Promise.all([issuer.issue({ id: SUB, role: 'customer' }, NOW), issuer.issue({ id: SUB, role: 'customer' }, NOW)]);
    expect((await issuer.verify(a, NOW)).jti).not.toBe((await issuer.verify(b, NOW)).jti);
  });

  it('when the header is read, then it is EdDSA with the RFC 7638 thumbprint of the public key as kid', async () => {
    const token = await issuer.issue({ id: SUB, role: 'customer' }, NOW);
    const expectedKid = await calculateJwkThumbprint(await exportJWK(pair.publicKey), 'sha256');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: expectedKid });
  });

  it('when the JWKS is published, then it holds the public key only and a third party verifies with it', async () => {
    expect(issuer.jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' }],
    });
    expect(issuer.jwks.keys[0]).not.toHaveProperty('d');
    const token = await issuer.issue({ id: SUB, role: 'customer' });
    const { payload } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), { issuer: 'shop-users', audience: 'shop-api' });
    expect(payload.sub).toBe(SUB);
  });

  it('when the signature is altered, then verification fails', async () => {
    const [header, payload, signature] = (await issuer.issue({ id: SUB, role: 'customer' }, NOW)).split('.') as [string, string, string];
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    await expect(issuer.verify(`${header}.${payload}.${flipped}`, NOW)).rejects.toThrow(/signature verification failed/);
  });

  it('when the payload is altered (a customer made admin), then verification fails', async () => {
    const [header, , signature] = (await issuer.issue({ id: SUB, role: 'customer' }, NOW)).split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ iss: 'shop-users', aud: 'shop-api', sub: SUB, role: 'admin', iat: NOW / 1000, exp: NOW / 1000 + 900 }),
    ).toString('base64url');
    await expect(issuer.verify(`${header}.${forged}.${signature}`, NOW)).rejects.toThrow(/signature verification failed/);
  });

  it('when the token has expired, then verification fails', async () => {
    const token = await issuer.issue({ id: SUB, role: 'customer' }, NOW);
    await expect(issuer.verify(token, NOW + 899_000)).resolves.toMatchObject({ sub: SUB });
    await expect(issuer.verify(token, NOW + 901_000)).rejects.toThrow(/"exp" claim timestamp check failed/);
  });

  it('when another key signed the token, then verification fails', async () => {
    const other = await AccessTokenIssuer.fromPem(
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      OPTIONS,
    );
    await expect(issuer.verify(await other.issue({ id: SUB, role: 'customer' }, NOW), NOW)).rejects.toThrow(
      /signature verification failed/,
    );
  });

  it('when the key is not Ed25519, then the issuer refuses to start', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(AccessTokenIssuer.fromPem(rsa, OPTIONS)).rejects.toThrow(/must be an Ed25519 private key, not rsa/);
  });
});
