import type { DataSource } from 'typeorm';
import { createPgDataSource, migrateWithLock, openPostgres } from '@shop/pg';
import { RefreshTokenEntity, UserEntity } from './typeorm-entities';
import { UsersInit1767312000000 } from './migrations/1767312000000-init';

/** An uninitialized DataSource for the users database; call `initialize()` before use. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return createPgDataSource({
    service: 'users',
    url,
    entities: [UserEntity, RefreshTokenEntity],
    migrations: [UsersInit1767312000000],
    ...options,
  });
}

/** Runs pending migrations one replica at a time (under an advisory lock); returns the names applied. */
export function migrate(ds: DataSource): Promise<string[]> {
  return migrateWithLock(ds, 'users-migrations');
}

/** The users database as the service opens it: initialized, with its migrations and readiness. */
export const openUsersDatabase = openPostgres((url) => createDataSource(url), 'users-migrations');
