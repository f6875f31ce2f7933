import { NotFoundError, ValidationError } from '@shop/kit';
import type { UserStore } from '../ports';
import { isEmailAddress, normalizeEmail } from '../domain/email';
import { EmailTakenError } from '../domain/errors';
import type { HashQueue } from '../domain/hash-queue';
import type { PasswordHasher } from '../domain/password-hash';
import { assertPasswordAllowed, passwordProblems } from '../domain/password-policy';
import { decodeUserCursor, encodeUserCursor } from '../domain/user-cursor';
import { normalizeAddresses, normalizeName, toProfile, toSummary, type Address, type Profile, type UserSummary } from '../domain/user';

export interface AccountDeps {
  users: UserStore;
  passwords: PasswordHasher;
  hashing: HashQueue;
}

export interface ProfilePage {
  items: Profile[];
  nextCursor: string | null;
}

/** Registration, profiles and the admin's view of accounts. */
export class Accounts {
  constructor(private readonly deps: AccountDeps) {}

  /**
   * A new customer; 400 for a malformed email or a weak password, 409 email-taken for a known email, 503
   * overloaded when the password could not be hashed before `deadline` (epoch ms, the caller's).
   */
  async register(input: { email: string; password: string; name: string }, deadline?: number): Promise<UserSummary> {
    const email = normalizeEmail(input.email);
    if (!isEmailAddress(email)) throw new ValidationError([{ field: 'body.email', message: 'must be an email address' }]);
    assertPasswordAllowed(input.password, email);
    const passwordHash = await this.deps.hashing.run(() => this.deps.passwords.hash(input.password), deadline);
    const created = await this.deps.users.create({ email, name: normalizeName(input.name), role: 'customer', passwordHash });
    if (!created) throw new EmailTakenError();
    return toSummary(created);
  }

  async profile(userId: string): Promise<Profile> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw new NotFoundError('user');
    return toProfile(user);
  }

  /** Changes what is given; `addresses` replaces the whole list. */
  async updateProfile(userId: string, patch: { name?: string; addresses?: Address[] }): Promise<Profile> {
    const changes: { name?: string; addresses?: Address[] } = {};
    if (patch.name !== undefined) changes.name = normalizeName(patch.name);
    if (patch.addresses !== undefined) changes.addresses = normalizeAddresses(patch.addresses);
    const user = await this.deps.users.updateProfile(userId, changes);
    if (!user) throw new NotFoundError('user');
    return toProfile(user);
  }

  async list(query: { limit: number; cursor?: string }): Promise<ProfilePage> {
    const after = query.cursor === undefined ? undefined : decodeUserCursor(query.cursor);
    // One row more than asked tells whether there is a next page without counting.
    const rows = await this.deps.users.list(query.limit + 1, after);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toProfile),
      nextCursor: rows.length > query.limit && last ? encodeUserCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * Makes sure the configured admin account exists. Idempotent and safe when replicas start together
   * (the insert does nothing on a conflict); an existing account keeps its password, so rotating the
   * secret never silently resets it. The policy is reported, not enforced: the operator chose it.
   */
  async bootstrapAdmin(rawEmail: string, password: string): Promise<{ created: boolean; passwordProblems: string[] }> {
    const email = normalizeEmail(rawEmail);
    if (!isEmailAddress(email)) throw new Error('the admin email secret is not an email address');
    if (await this.deps.users.findByEmail(email)) return { created: false, passwordProblems: [] };
    const passwordHash = await this.deps.passwords.hash(password);
    const created = await this.deps.users.create({ email, name: 'Administrator', role: 'admin', passwordHash });
    return { created: created !== undefined, passwordProblems: passwordProblems(password, email) };
  }
}
