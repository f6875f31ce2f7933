import { randomBytes, randomUUID } from 'node:crypto';
import type { RefreshTokenStore } from '../ports';
import { InvalidRefreshTokenError } from '../domain/errors';
import { hashRefreshToken, type NewRefreshToken, type RefreshTokenRecord } from '../domain/refresh-token';

// 256 random bits, base64url: unguessable, and URL- and header-safe as it is.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque, single-use refresh tokens with rotation: each refresh spends the presented token and returns
 * its successor in the same family. A spent token presented again means two parties hold it (a thief
 * and the owner), so the whole family is revoked and both must sign in again.
 */
/** Expired tokens are kept this long, then deleted by later logins, this many per login. */
const PURGE_AFTER_MS = 7 * 86_400_000;
const PURGE_BATCH = 100;

export class RefreshTokens {
  constructor(
    private readonly store: RefreshTokenStore,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A new family, for a fresh login. Each login also deletes a few tokens that expired over a week ago,
   * so the table does not grow without end: an expired token is refused anyway, and a week keeps recent
   * history for whoever looks into a session.
   */
  async issue(userId: string): Promise<string> {
    const { token, record } = this.mint(userId, randomUUID());
    await this.store.insert(record);
    await this.store.deleteExpired(new Date(this.now().getTime() - PURGE_AFTER_MS), PURGE_BATCH);
    return token;
  }

  /** Spends `token` and returns its successor; any token that cannot be spent is a 401. */
  async rotate(token: string): Promise<{ userId: string; refreshToken: string }> {
    const current = await this.find(token);
    const now = this.now();
    if (!current || current.revokedAt !== null) throw new InvalidRefreshTokenError();
    if (current.usedAt !== null) return this.reused(current, now);
    if (current.expiresAt.getTime() <= now.getTime()) throw new InvalidRefreshTokenError();
    const { token: next, record } = this.mint(current.userId, current.familyId);
    // Losing this race means a concurrent refresh spent the token first: the same reuse, seen later.
    if (!(await this.store.rotate(current.id, record, now))) return this.reused(current, now);
    return { userId: current.userId, refreshToken: next };
  }

  /** Ends the session the token belongs to. Unknown tokens are ignored: there is nothing to end. */
  async revoke(token: string): Promise<void> {
    const current = await this.find(token);
    if (current && current.revokedAt === null) await this.store.revokeFamily(current.familyId, this.now());
  }

  private async reused(record: RefreshTokenRecord, now: Date): Promise<never> {
    await this.store.revokeFamily(record.familyId, now);
    throw new InvalidRefreshTokenError();
  }

  private async find(token: string): Promise<RefreshTokenRecord | undefined> {
    // Not one of ours: skip the look-up rather than hash arbitrary input.
    return TOKEN_SHAPE.test(token) ? this.store.findByHash(hashRefreshToken(token)) : undefined;
  }

  private mint(userId: string, familyId: string): { token: string; record: NewRefreshToken } {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.ttlSeconds * 1000);
    return { token, record: { tokenHash: hashRefreshToken(token), familyId, userId, expiresAt } };
  }
}
