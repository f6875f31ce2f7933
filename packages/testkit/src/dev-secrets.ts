import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Development secrets are never committed: `npm start` generates dapr/secrets.dev.json (git-ignored) at
// its first run, and every test process makes its own (devSecrets in paths.ts). Only the values that are
// no secret (the local databases, the admin's email) are written here.

/** What the dev secrets file holds besides secrets: where the local databases are, who the admin is. */
export const DEV_SETTINGS: Readonly<Record<string, string>> = {
  'catalog-db-url': 'postgres://postgres@127.0.0.1:5432/shop_catalog',
  'users-db-url': 'postgres://postgres@127.0.0.1:5432/shop_users',
  'orders-db-url': 'postgres://postgres@127.0.0.1:5432/shop_orders',
  'admin-email': 'admin@shop.local',
};

const GENERATED = ['users-jwt-private-key', 'gateway-identity-private-key', 'gateway-identity-public-key', 'admin-password'] as const;

const pem = (key: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') =>
  key.export({ type, format: 'pem' }).toString();

/**
 * A fresh set: the users service's access-token key, the gateway's identity key pair (the private half
 * for the gateway only, the public half for every other service) and the admin's password, all random.
 */
export function generateDevSecrets(): Record<string, string> {
  const jwt = generateKeyPairSync('ed25519');
  const identity = generateKeyPairSync('ed25519');
  return {
    ...DEV_SETTINGS,
    'users-jwt-private-key': pem(jwt.privateKey, 'pkcs8'),
    'gateway-identity-private-key': pem(identity.privateKey, 'pkcs8'),
    'gateway-identity-public-key': pem(identity.publicKey, 'spki'),
    'admin-password': randomBytes(18).toString('base64url'),
  };
}

/**
 * The dev secrets in `file`, generated there first if it does not exist. An existing file is never
 * written to, not even by two starts racing (the new file is linked into place, which fails if one is
 * there); one that lacks a secret (written before that secret existed) is refused with what to do.
 */
export function ensureDevSecrets(file: string): { secrets: Record<string, string>; created: boolean } {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(generateDevSecrets(), null, 2) + '\n', { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
      return { secrets: readSecretsFile(file), created: true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const secrets = readSecretsFile(file);
  const missing = [...Object.keys(DEV_SETTINGS), ...GENERATED].filter((k) => typeof secrets[k] !== 'string' || secrets[k] === '');
  if (missing.length) {
    throw new Error(
      `${file} lacks ${missing.join(', ')}: it predates generated dev secrets. Delete it and start again to get a fresh one ` +
        '(new keys and a new admin password), or add them.',
    );
  }
  return { secrets, created: false };
}

function readSecretsFile(file: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}
