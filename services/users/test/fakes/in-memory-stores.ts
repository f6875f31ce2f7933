import { randomUUID } from 'node:crypto';
import type { NewRefreshToken, RefreshTokenRecord } from '../../src/domain/refresh-token';
import type { FailureWindow } from '../../src/domain/throttle';
import type { Address, NewUser, UserRecord } from '../../src/domain/user';
import type { UserPosition } from '../../src/domain/user-cursor';
import type { FailureCounterStore } from '../../src/ports';
import type { RefreshTokenStore } from '../../src/ports';
import type { UserStore } from '../../src/ports';

// In-memory stand-ins for the store interfaces, with the same contracts as the adapters, for unit tests
// of the use cases.

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  readonly rows = new Map<string, RefreshTokenRecord>();

  async findByHash(tokenHash: string) {
    const row = [...this.rows.values()].find((r) => r.tokenHash === tokenHash);
    return row ? { ...row } : undefined;
  }

  async insert(token: NewRefreshToken) {
    const id = randomUUID();
    this.rows.set(id, { ...token, id, usedAt: null, revokedAt: null });
  }

  async rotate(usedId: string, successor: NewRefreshToken, now: Date) {
    const row = this.rows.get(usedId);
    if (!row || row.usedAt !== null || row.revokedAt !== null) return false;
    row.usedAt = now;
    await this.insert(successor);
    return true;
  }

  async revokeFamily(familyId: string, now: Date) {
    for (const row of this.rows.values()) if (row.familyId === familyId && row.revokedAt === null) row.revokedAt = now;
  }

  async deleteExpired(before: Date, limit: number) {
    const expired = [...this.rows.values()]
      .filter((r) => r.expiresAt < before)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .slice(0, limit);
    for (const r of expired) this.rows.delete(r.id);
    return expired.length;
  }
}

export class InMemoryFailureCounterStore implements FailureCounterStore {
  readonly counters = new Map<string, FailureWindow>();

  async update(key: string, change: (current: FailureWindow | undefined) => FailureWindow | undefined) {
    const next = change(this.counters.get(key));
    if (next === undefined) this.counters.delete(key);
    else this.counters.set(key, next);
  }

  async delete(key: string) {
    this.counters.delete(key);
  }
}

export class InMemoryUserStore implements UserStore {
  readonly users = new Map<string, UserRecord>();

  async create(user: NewUser) {
    if ([...this.users.values()].some((u) => u.email === user.email)) return undefined;
    const record: UserRecord = { ...user, id: randomUUID(), addresses: [], createdAt: new Date() };
    this.users.set(record.id, record);
    return record;
  }

  async findByEmail(email: string) {
    return [...this.users.values()].find((u) => u.email === email);
  }

  async findById(id: string) {
    return this.users.get(id);
  }

  async updateProfile(id: string, changes: { name?: string; addresses?: Address[] }) {
    const user = this.users.get(id);
    if (!user) return undefined;
    Object.assign(user, changes);
    return user;
  }

  async list(limit: number, after?: UserPosition) {
    const key = (u: { createdAt: string; id: string }) => `${u.createdAt}|${u.id}`;
    return [...this.users.values()]
      .sort((a, b) =>
        key({ createdAt: a.createdAt.toISOString(), id: a.id }).localeCompare(key({ createdAt: b.createdAt.toISOString(), id: b.id })),
      )
      .filter((u) => !after || key({ createdAt: u.createdAt.toISOString(), id: u.id }) > key(after))
      .slice(0, limit);
  }
}
