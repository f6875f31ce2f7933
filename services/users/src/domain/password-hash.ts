import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
  saltLength: number;
}

/**
 * N=2^15, r=8 costs 32 MiB and tens of milliseconds per guess. OWASP now suggests N=2^17; raising N later
 * is safe because every stored string carries its own parameters.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keyLength: 64, saltLength: 16 };

// Bounds on what a stored string may ask for, so a tampered row cannot make one login burn gigabytes
// (scrypt needs about 128·N·r bytes) or minutes (p multiplies the time).
const MAX_MEMORY = 256 * 1024 * 1024;
const MAX_R = 32;
const MAX_P = 4;
const B64URL = /^[A-Za-z0-9_-]+$/;

function derive(password: string, salt: Buffer, keyLength: number, params: Pick<ScryptParams, 'N' | 'r' | 'p'>): Promise<Buffer> {
  // Node refuses more than 32 MiB by default, which N=2^15, r=8 just exceeds; allow what it needs, twice.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.r * (2 * params.N + params.p) };
  return new Promise((resolve, reject) => {
    // The async form runs on libuv's pool: a login never blocks the event loop for other requests.
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s ?? '') ? Number(s) : NaN)) as [number, number, number];
  const [salt, hash] = [parts[4]!, parts[5]!];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!(powerOfTwo && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P && 128 * N * r <= MAX_MEMORY)) return undefined;
  if (!B64URL.test(salt) || !B64URL.test(hash)) return undefined;
  const parsed = { N, r, p, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
  return parsed.salt.length >= 8 && parsed.hash.length >= 16 && parsed.hash.length <= 128 ? parsed : undefined;
}

/**
 * scrypt password hashes as self-describing strings, `scrypt$N$r$p$salt$hash` (base64url), so the cost
 * can be raised later without invalidating what is stored.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT) {}

  async hash(password: string): Promise<string> {
    const { N, r, p, keyLength, saltLength } = this.params;
    const salt = randomBytes(saltLength);
    const key = await derive(password, salt, keyLength, this.params);
    return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /**
   * Whether `password` matches `stored`. Without a stored hash (no such account) it still does the full
   * work against a dummy hash and answers false, so the time taken does not reveal whether the account
   * exists. A malformed or tampered stored string is a mismatch, never an exception.
   */
  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const parsed = parse(stored ?? (await this.dummyHash()));
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.hash.length, parsed);
    return timingSafeEqual(key, parsed.hash) && stored !== undefined;
  }

  /** Computes the dummy hash now, so the first login for an unknown email is not slower than the rest. */
  async warmUp(): Promise<void> {
    await this.dummyHash();
  }

  private dummyHash(): Promise<string> {
    return (this.dummy ??= this.hash(randomBytes(32).toString('base64url')));
  }
}
