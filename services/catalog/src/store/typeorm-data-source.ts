import { DataSource } from 'typeorm';
import { CategoryEntity, ProductEntity, StockReservationEntity, StockReservationLineEntity } from './typeorm-entities';
import { CatalogInit1767225600000 } from './migrations/1767225600000-init';
import { CatalogStockReservations1767571200000 } from './migrations/1767571200000-stock-reservations';

export interface DataSourceOptions {
  /** Connections in the pool; migrate() holds one for the lock while TypeORM uses another. */
  poolSize?: number;
  logging?: boolean;
}

/**
 * An uninitialized DataSource for the catalog database; call `initialize()` before use. Entities and
 * migrations are listed, not globbed, so the same code works from ts-jest sources and compiled dist/.
 */
export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName: 'catalog',
    entities: [CategoryEntity, ProductEntity, StockReservationEntity, StockReservationLineEntity],
    migrations: [CatalogInit1767225600000, CatalogStockReservations1767571200000],
    // Its own table, so the catalog can share a database with another service's migrations.
    migrationsTableName: 'catalog_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Extensions are a migration's business, and the service's role may lack the right to create them.
    installExtensions: false,
    poolSize: options.poolSize ?? 10,
    logging: options.logging ?? false,
  });
}

// An arbitrary constant that names "catalog schema migrations" among the server's advisory locks.
const MIGRATION_LOCK_KEY = '4846791580151137';

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
