import type { NewRefreshToken, RefreshTokenRecord } from '../domain/refresh-tokens';

/** Refresh tokens, by the SHA-256 of their value; typeorm-refresh-token-store.ts is the adapter. */
export interface RefreshTokenStore {
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  insert(token: NewRefreshToken): Promise<void>;
  /**
   * Marks `usedId` used and stores its successor, both or neither. False (and nothing stored) when
   * `usedId` was already used or revoked, e.g. by a concurrent refresh with the same token.
   */
  rotate(usedId: string, successor: NewRefreshToken, now: Date): Promise<boolean>;
  /** Revokes every token of the family that is not revoked yet. */
  revokeFamily(familyId: string, now: Date): Promise<void>;
  /** Deletes up to `limit` tokens that expired before `before`, oldest first; returns how many. */
  deleteExpired(before: Date, limit: number): Promise<number>;
}
