import { DataSource } from 'typeorm';
import { RefreshTokenEntity, UserEntity } from './typeorm-entities';
import { UsersInit1767312000000 } from './migrations/1767312000000-init';

export interface DataSourceOptions {
  /** Connections in the pool; migrate() holds one for the lock while TypeORM uses another. */
  poolSize?: number;
  logging?: boolean;
}

/**
 * An uninitialized DataSource for the users database; call `initialize()` before use. Entities and
 * migrations are listed, not globbed, so the same code works from ts-jest sources and compiled dist/.
 */
export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName: 'users',
    entities: [UserEntity, RefreshTokenEntity],
    migrations: [UsersInit1767312000000],
    // Its own table, so users can share a database with another service's migrations.
    migrationsTableName: 'users_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Extensions are a migration's business, and the service's role may lack the right to create them.
    installExtensions: false,
    poolSize: options.poolSize ?? 10,
    logging: options.logging ?? false,
  });
}

// An arbitrary constant that names "users schema migrations" among the server's advisory locks
// (catalog uses another, so the two can migrate one database at the same time).
const MIGRATION_LOCK_KEY = '7391504826613042';

/**
 * Runs pending migrations, one process at a time: replicas that start together queue on a session-level
 * advisory lock, and each finds the work done by the one before it. Returns the names it applied.
 * The lock is held on a dedicated connection, so a crash releases it with the session.
 */
export async function migrate(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
