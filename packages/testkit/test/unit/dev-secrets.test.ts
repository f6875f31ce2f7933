import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_SETTINGS, devSecrets, ensureDevSecrets, generateDevSecrets, repoRoot } from '../../src';

describe('dev secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-dev-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when generated, then the keys are Ed25519 keys that work, the identity pair matches, and the settings are as before', () => {
    const s = generateDevSecrets();
    expect(s).toMatchObject(DEV_SETTINGS);
    const jwt = createPrivateKey(s['users-jwt-private-key']!);
    const identityPrivate = createPrivateKey(s['gateway-identity-private-key']!);
    const identityPublic = createPublicKey(s['gateway-identity-public-key']!);
    for (const k of [jwt, identityPrivate, identityPublic]) expect(k.asymmetricKeyType).toBe('ed25519');
    expect(s['gateway-identity-public-key']).not.toMatch(/PRIVATE/);
    const data = Buffer.from('who');
    expect(verify(null, data, identityPublic, sign(null, data, identityPrivate))).toBe(true);
    expect(verify(null, data, identityPublic, sign(null, data, jwt))).toBe(false);
    expect(s['admin-password']!.length).toBeGreaterThanOrEqual(20);
  });

  it('when generated twice, then no key or password repeats', () => {
    const [a, b] = [generateDevSecrets(), generateDevSecrets()];
    for (const k of ['users-jwt-private-key', 'gateway-identity-private-key', 'gateway-identity-public-key', 'admin-password']) {
      expect(a[k]).not.toBe(b[k]);
    }
  });

  it('when the file does not exist, then it is created, readable by its owner only, and holds what is returned', () => {
    const file = path.join(dir, 'dapr', 'secrets.dev.json');
    const { secrets, created } = ensureDevSecrets(file);
    expect(created).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(secrets);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.dev.json']);
  });

  it('when the file exists, then it is never overwritten: the same bytes, the same secrets', () => {
    const file = path.join(dir, 'secrets.dev.json');
    const first = ensureDevSecrets(file).secrets;
    // A developer's own edit (another database) survives too.
    fs.writeFileSync(file, JSON.stringify({ ...first, 'users-db-url': 'postgres://me@127.0.0.1:5433/users' }));
    const before = fs.readFileSync(file);
    const again = ensureDevSecrets(file);
    expect(again.created).toBe(false);
    expect(again.secrets['users-db-url']).toBe('postgres://me@127.0.0.1:5433/users');
    expect(again.secrets['gateway-identity-private-key']).toBe(first['gateway-identity-private-key']);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('when the file predates generated secrets (the old committed one), then it is refused, untouched, naming what is missing', () => {
    const file = path.join(dir, 'secrets.dev.json');
    const old = JSON.stringify({ ...DEV_SETTINGS, 'gateway-identity-key': 'x', 'admin-password': 'correct-horse-battery-staple-dev' });
    fs.writeFileSync(file, old);
    expect(() => ensureDevSecrets(file)).toThrow(/lacks users-jwt-private-key, gateway-identity-private-key, gateway-identity-public-key/);
    expect(fs.readFileSync(file, 'utf8')).toBe(old);
  });

  it('when a test asks for the dev secrets, then it gets this process’s own generated set, the same at every call', () => {
    expect(devSecrets()).toEqual(devSecrets());
    expect(Object.keys(devSecrets()).sort()).toEqual(Object.keys(generateDevSecrets()).sort());
    const file = path.join(repoRoot, 'dapr', 'secrets.dev.json');
    if (fs.existsSync(file)) {
      const developers = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      expect(devSecrets()['admin-password']).not.toBe(developers['admin-password']);
    }
  });
});
