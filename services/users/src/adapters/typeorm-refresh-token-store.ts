import { IsNull, type DataSource, type Repository } from 'typeorm';
import type { NewRefreshToken, RefreshTokenRecord } from '../domain/refresh-token';
import type { RefreshTokenStore } from '../ports';
import { RefreshTokenEntity, type RefreshTokenRow } from './typeorm-entities';

export class TypeOrmRefreshTokenStore implements RefreshTokenStore {
  private readonly repo: Repository<RefreshTokenRow>;

  constructor(private readonly ds: DataSource) {
    this.repo = ds.getRepository(RefreshTokenEntity);
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.repo.findOneBy({ tokenHash });
    return row
      ? {
          id: row.id,
          tokenHash: row.tokenHash,
          familyId: row.familyId,
          userId: row.userId,
          expiresAt: row.expiresAt,
          usedAt: row.usedAt,
          revokedAt: row.revokedAt,
        }
      : undefined;
  }

  async insert(token: NewRefreshToken): Promise<void> {
    await this.repo.insert(token);
  }

  async rotate(usedId: string, successor: NewRefreshToken, now: Date): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      // The conditions make this the one place a token is spent: of two concurrent refreshes with the
      // same token, exactly one updates the row.
      const spent = await em
        .getRepository(RefreshTokenEntity)
        .update({ id: usedId, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: now });
      if (spent.affected !== 1) return false;
      await em.getRepository(RefreshTokenEntity).insert(successor);
      return true;
    });
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: now });
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    // SKIP LOCKED: two logins purging at once take different rows instead of waiting for each other.
    const [, affected] = await this.ds.query<[unknown, number]>(
      `DELETE FROM refresh_token WHERE id IN (
         SELECT id FROM refresh_token WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
    return affected;
  }
}
