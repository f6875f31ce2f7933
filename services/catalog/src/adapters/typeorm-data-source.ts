import type { DataSource } from 'typeorm';
import { createPgDataSource, migrateWithLock, openPostgres } from '@shop/pg';
import { CategoryEntity, ProductEntity, StockReservationEntity, StockReservationLineEntity } from './typeorm-entities';
import { CatalogInit1767225600000 } from './migrations/1767225600000-init';
import { CatalogStockReservations1767571200000 } from './migrations/1767571200000-stock-reservations';

/** An uninitialized DataSource for the catalog database; call `initialize()` before use. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return createPgDataSource({
    service: 'catalog',
    url,
    entities: [CategoryEntity, ProductEntity, StockReservationEntity, StockReservationLineEntity],
    migrations: [CatalogInit1767225600000, CatalogStockReservations1767571200000],
    ...options,
  });
}

/** Runs pending migrations one replica at a time (under an advisory lock); returns the names applied. */
export function migrate(ds: DataSource): Promise<string[]> {
  return migrateWithLock(ds, 'catalog-migrations');
}

/** The catalog database as the service opens it: initialized, with its migrations and readiness. */
export const openCatalogDatabase = openPostgres((url) => createDataSource(url), 'catalog-migrations');
