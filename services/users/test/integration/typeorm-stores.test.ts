// The TypeORM adapters against a real PostgreSQL (no sidecar): migrations under the advisory lock,
// the conflict-safe inserts, the conditional refresh token rotation, and keyset pages.
import { randomUUID } from 'node:crypto';
import { createTempDatabase, type TempDatabase } from '@shop/testkit';
import type { DataSource } from 'typeorm';
import { Accounts } from '../../src/use-cases/accounts';
import { HashQueue } from '../../src/domain/hash-queue';
import { DEFAULT_SCRYPT, PasswordHasher } from '../../src/domain/password-hash';
import { hashRefreshToken } from '../../src/domain/refresh-token';
import { createDataSource, migrate } from '../../src/adapters/typeorm-data-source';
import { TypeOrmRefreshTokenStore } from '../../src/adapters/typeorm-refresh-token-store';
import { TypeOrmUserStore } from '../../src/adapters/typeorm-user-store';

let db: TempDatabase;
let ds: DataSource;
let appliedByEachRun: string[][];
let users: TypeOrmUserStore;
const passwords = new PasswordHasher({ ...DEFAULT_SCRYPT, N: 2 ** 10 });
const newUser = (email = `${randomUUID()}@example.com`) => ({ email, name: 'Jane', role: 'customer' as const, passwordHash: 'scrypt$x' });

beforeAll(async () => {
  db = await createTempDatabase('users_store');
  ds = await createDataSource(db.url).initialize();
  const other = await createDataSource(db.url).initialize();
  try {
    // Two "replicas" starting at once: the advisory lock must let exactly one apply the migration.
    appliedByEachRun = await Promise.all([migrate(ds), migrate(other)]);
  } finally {
    await other.destroy();
  }
  users = new TypeOrmUserStore(ds);
});

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

describe('migrate', () => {
  it('when two processes migrate concurrently, then the migration is applied exactly once', async () => {
    expect(appliedByEachRun.flat()).toEqual(['UsersInit1767312000000']);
    expect(await migrate(ds)).toEqual([]);
  });
});

describe('TypeOrmUserStore', () => {
  it('when two accounts are created with one email at once, then exactly one row exists', async () => {
    const email = `${randomUUID()}@example.com`;
    const results = await Promise.all(Array.from({ length: 5 }, () => users.create(newUser(email))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const [row] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM app_user WHERE email = $1', [email]);
    expect(Number(row!.n)).toBe(1);
  });

  it('when an email that is not normalized reaches the table, then the database refuses it', async () => {
    await expect(users.create(newUser(`Upper-${randomUUID()}@example.com`))).rejects.toThrow(/app_user_email_normalized_check/);
  });

  it('when the admin is bootstrapped by two replicas at once, then one creates it and the password stays the first one', async () => {
    const hashing = new HashQueue({ concurrency: 2, maxWaitMs: 60_000, marginMs: 0, initialEstimateMs: 10 });
    const accounts = new Accounts({ users, passwords, hashing });
    const email = `admin-${randomUUID()}@example.com`;
    const runs = await Promise.all([accounts.bootstrapAdmin(email, 'first password!'), accounts.bootstrapAdmin(email, 'first password!')]);
    expect(runs.filter((r) => r.created)).toHaveLength(1);
    await expect(accounts.bootstrapAdmin(email, 'rotated password')).resolves.toEqual({ created: false, passwordProblems: [] });
    const admin = await users.findByEmail(email);
    expect(admin?.role).toBe('admin');
    await expect(passwords.verify('first password!', admin?.passwordHash)).resolves.toBe(true);
  });

  it('when a profile is updated, then name and addresses are stored and an unknown or malformed id gives undefined', async () => {
    const user = (await users.create(newUser()))!;
    const addresses = [{ line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' }];
    await expect(users.updateProfile(user.id, { name: 'Janet', addresses })).resolves.toMatchObject({ name: 'Janet', addresses });
    await expect(users.updateProfile(randomUUID(), { name: 'Nobody' })).resolves.toBeUndefined();
    await expect(users.findById('not-a-uuid')).resolves.toBeUndefined();
  });

  it('when accounts are listed page by page, then every account appears once in (createdAt, id) order', async () => {
    const seen: string[] = [];
    let after: { createdAt: string; id: string } | undefined;
    for (let page = 0; page < 100; page++) {
      const rows = await users.list(2, after);
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.id));
      const last = rows[rows.length - 1]!;
      after = { createdAt: last.createdAt.toISOString(), id: last.id };
    }
    const all = await ds.query<{ id: string }[]>('SELECT id FROM app_user ORDER BY created_at, id');
    expect(seen).toEqual(all.map((r) => r.id));
  });
});

describe('TypeOrmRefreshTokenStore', () => {
  it('when one token is rotated twice at once, then exactly one rotation succeeds', async () => {
    const store = new TypeOrmRefreshTokenStore(ds);
    const user = (await users.create(newUser()))!;
    const familyId = randomUUID();
    const expiresAt = new Date(Date.now() + 3_600_000);
    await store.insert({ tokenHash: hashRefreshToken('first'), familyId, userId: user.id, expiresAt });
    const first = (await store.findByHash(hashRefreshToken('first')))!;
    const results = await Promise.all(
      ['a', 'b'].map((s) => store.rotate(first.id, { tokenHash: hashRefreshToken(s), familyId, userId: user.id, expiresAt }, new Date())),
    );
    expect(results.sort()).toEqual([false, true]);
    const [row] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM refresh_token WHERE family_id = $1', [familyId]);
    expect(Number(row!.n)).toBe(2);
  });

  it('when a family is revoked, then every token of it is revoked and rotation fails', async () => {
    const store = new TypeOrmRefreshTokenStore(ds);
    const user = (await users.create(newUser()))!;
    const familyId = randomUUID();
    const expiresAt = new Date(Date.now() + 3_600_000);
    await store.insert({ tokenHash: hashRefreshToken('one'), familyId, userId: user.id, expiresAt });
    await store.revokeFamily(familyId, new Date());
    const one = (await store.findByHash(hashRefreshToken('one')))!;
    expect(one.revokedAt).toBeInstanceOf(Date);
    await expect(
      store.rotate(one.id, { tokenHash: hashRefreshToken('two'), familyId, userId: user.id, expiresAt }, new Date()),
    ).resolves.toBe(false);
  });

  it('when expired tokens are purged, then only those expired before the cut-off go, oldest first, at most the limit', async () => {
    const store = new TypeOrmRefreshTokenStore(ds);
    const user = (await users.create(newUser()))!;
    const familyId = randomUUID();
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    for (const [name, daysAgo] of [
      ['e30', 30],
      ['e20', 20],
      ['e10', 10],
      ['live', -5],
    ] as const)
      await store.insert({ tokenHash: hashRefreshToken(`purge-${familyId}-${name}`), familyId, userId: user.id, expiresAt: at(daysAgo) });
    const left = async () =>
      (await ds.query<{ expires_at: Date }[]>('SELECT expires_at FROM refresh_token WHERE family_id = $1', [familyId])).length;
    // Other tests' rows may be expired too: count only this family's.
    const cutoff = at(15);
    await store.deleteExpired(cutoff, 1_000);
    expect(await left()).toBe(2);
    expect(await store.findByHash(hashRefreshToken(`purge-${familyId}-e10`))).toBeDefined();
    expect(await store.findByHash(hashRefreshToken(`purge-${familyId}-live`))).toBeDefined();
    expect(await store.deleteExpired(at(5), 1)).toBe(1);
    expect(await left()).toBe(1);
  });
});
