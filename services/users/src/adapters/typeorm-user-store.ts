import type { DataSource, Repository } from 'typeorm';
import type { Address, NewUser, UserRecord } from '../domain/user';
import { isUuid, type UserPosition } from '../domain/user-cursor';
import type { UserStore } from '../ports';
import { UserEntity, type UserRow } from './typeorm-entities';

interface RawUser {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: UserRow['role'];
  addresses: Address[];
  created_at: Date;
}

export class TypeOrmUserStore implements UserStore {
  private readonly repo: Repository<UserRow>;

  constructor(private readonly ds: DataSource) {
    this.repo = ds.getRepository(UserEntity);
  }

  async create(user: NewUser): Promise<UserRecord | undefined> {
    // ON CONFLICT DO NOTHING instead of catching the unique violation: two registrations (or two
    // replicas bootstrapping the admin) racing for one email end with one row and one clear "taken".
    const rows = await this.ds.query<RawUser[]>(
      `INSERT INTO app_user (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING
       RETURNING id, email, name, password_hash, role, addresses, created_at`,
      [user.email, user.name, user.passwordHash, user.role],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          email: row.email,
          name: row.name,
          passwordHash: row.password_hash,
          role: row.role,
          addresses: row.addresses,
          createdAt: row.created_at,
        }
      : undefined;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    return toRecord(await this.repo.findOneBy({ email }));
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    // A non-UUID would make PostgreSQL raise a cast error; it simply names no account.
    return isUuid(id) ? toRecord(await this.repo.findOneBy({ id })) : undefined;
  }

  async updateProfile(id: string, changes: { name?: string; addresses?: Address[] }): Promise<UserRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const set: Partial<Pick<UserRow, 'name' | 'addresses'>> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.addresses !== undefined) set.addresses = changes.addresses;
    if (Object.keys(set).length) {
      await this.repo
        .createQueryBuilder()
        .update()
        .set({ ...set, updatedAt: () => 'now()' })
        .where('id = :id', { id })
        .execute();
    }
    return this.findById(id);
  }

  async list(limit: number, after?: UserPosition): Promise<UserRecord[]> {
    const qb = this.repo.createQueryBuilder('u').orderBy('u.created_at', 'ASC').addOrderBy('u.id', 'ASC').limit(limit);
    if (after) {
      qb.where('(u.created_at, u.id) > (CAST(:createdAt AS timestamptz), CAST(:id AS uuid))', { createdAt: after.createdAt, id: after.id });
    }
    return (await qb.getMany()).map((row) => toRecord(row)!);
  }
}

function toRecord(row: UserRow | null): UserRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.passwordHash,
    role: row.role,
    addresses: row.addresses,
    createdAt: row.createdAt,
  };
}
