import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';

export interface PgOptions {
  /** The service: names the connection in pg_stat_activity and its migrations table. */
  service: string;
  url: string;
  entities: EntitySchema[];
  migrations: Array<new () => MigrationInterface>;
  /** Connections in the pool; `migrate` holds one for the lock while TypeORM uses another. */
  poolSize?: number;
}

/**
 * An uninitialized DataSource; call `initialize()` before use. Entities and migrations are listed, not
 * globbed, so the same code runs from ts-jest sources and compiled dist/. Never `synchronize`.
 */
export function createPgDataSource(options: PgOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.service,
    entities: options.entities,
    migrations: options.migrations,
    // Its own table, so services can share a database without sharing migration history.
    migrationsTableName: `${options.service}_migrations`,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    poolSize: options.poolSize ?? 10,
  });
}

/**
 * Runs pending migrations one process at a time: replicas that start together queue on a session-level
 * advisory lock (keyed by `lockKey`), and each finds the work done by the one before it. The lock is held
 * on a dedicated connection, so a crash releases it with the session. Returns the names applied.
 */
export async function migrateWithLock(ds: DataSource, lockKey: string): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    await runner.release();
  }
}

/** A PostgreSQL database as `defineService` opens it: initialized, with its migrations, readiness and close. */
export interface PgDatabase {
  db: DataSource;
  migrate(): Promise<string[]>;
  readiness: { name: string; check(): Promise<void> };
  close(): Promise<void>;
}

/**
 * Opens a service's database from its connection string (`defineService`'s `database.open`): the
 * DataSource `create` makes, initialized, with migrations under the lock `lockKey`.
 */
export function openPostgres(create: (url: string) => DataSource, lockKey: string): (url: string) => Promise<PgDatabase> {
  return async (url) => {
    const db = await create(url).initialize();
    return {
      db,
      migrate: () => migrateWithLock(db, lockKey),
      readiness: { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
      close: () => db.destroy(),
    };
  };
}
