import type { Address, NewUser, UserRecord } from '../domain/user';
import type { UserPosition } from '../domain/user-cursor';

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
