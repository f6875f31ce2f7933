import type { Address, NewUser, UserRecord } from './domain/user';
import type { FailureWindow } from './domain/throttle';
import type { NewRefreshToken, RefreshTokenRecord } from './domain/refresh-token';
import type { UserPosition } from './domain/user-cursor';

// The ports the users domain needs; adapters/ implements them (TypeORM, and a Dapr state store for the
// login throttle).

/** Accounts; typeorm-user-store.ts is the adapter. Emails given here are already normalized. */
export interface UserStore {
  /** The created account, or undefined when the email is taken (also by a concurrent insert). */
  create(user: NewUser): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Undefined for an unknown id, including one that is not a UUID at all. */
  findById(id: string): Promise<UserRecord | undefined>;
  /** The updated account, or undefined when it no longer exists. */
  updateProfile(id: string, changes: { name?: string; addresses?: Address[] }): Promise<UserRecord | undefined>;
  /** Up to `limit` accounts in (createdAt, id) order, strictly after `after` when given. */
  list(limit: number, after?: UserPosition): Promise<UserRecord[]>;
}

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

/** Where login failure counters live; dapr-failure-counter-store.ts keeps them in a Dapr state store. */
export interface FailureCounterStore {
  /**
   * Replaces the counter at `key` by `change(current)` under optimistic concurrency: when someone else
   * wrote first, `change` runs again on a fresh read, so it must be pure. Returning `current` itself
   * skips the write; returning undefined deletes the counter. A stored counter expires when its window
   * ends.
   */
  update(key: string, change: (current: FailureWindow | undefined) => FailureWindow | undefined): Promise<void>;
  delete(key: string): Promise<void>;
}
