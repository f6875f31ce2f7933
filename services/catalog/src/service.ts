import { defineService } from '@shop/kit';
import { seedCatalog } from './adapters/seed';
import { openCatalogDatabase } from './adapters/typeorm-data-source';
import { TypeOrmProductStore } from './adapters/typeorm-product-store';
import { TypeOrmStockStore } from './adapters/typeorm-stock-store';
import { settings } from './config';
import { reservationSweepBinding } from './events/reservation-sweep.binding';
import { catalogSubscriptions } from './events/subscriptions';
import type { EventPublisher, ProductStore, StockStore } from './ports';
import { adminRoutes } from './routes/admin.routes';
import { productRoutes } from './routes/products.routes';

export interface CatalogPorts {
  store: ProductStore;
  stock: StockStore;
  events: EventPublisher;
}

/** The catalog: products in PostgreSQL, and the stock they hold for orders. */
export const catalogService = defineService({
  name: 'catalog',
  settings,
  database: {
    urlSecret: (config) => config.dbUrlSecret,
    migrateOnStart: (config) => config.migrateOnStart,
    open: openCatalogDatabase,
  },
  ports: async ({ config, logger, sidecar, db }): Promise<CatalogPorts> => {
    if (config.seedOnStart) logger.info('catalog seeded', await seedCatalog(db));
    return { store: new TypeOrmProductStore(db), stock: new TypeOrmStockStore(db), events: sidecar };
  },
  http: ({ store, stock }) => [...productRoutes(store), ...adminRoutes(store, stock)],
  events: ({ stock, events }, { config, logger }) =>
    catalogSubscriptions({ stock, events, logger, reservationTtlSeconds: config.reservationTtlSeconds }),
  bindings: ({ stock, events }, { config, logger }) => [
    reservationSweepBinding({ stock, events, logger, batchSize: config.sweepBatchSize }),
  ],
});
