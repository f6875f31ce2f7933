import { createApp, routerFor, type Lifecycle, type Logger, type Metrics, type ReadinessCheck, adminOnly, behindIdentity } from '@shop/kit';
import type { ProductStore } from './store/product-store';
import type { StockStore } from './store/stock-store';
import type { EventPublisher } from './events/event-publisher';
import { catalogSubscriptions } from './events/subscriptions';
import { adminRoutes } from './routes/admin.routes';
import { productRoutes } from './routes/products.routes';
import { reservationSweepRoutes } from './routes/reservation-sweep.routes';

export interface CatalogDeps {
  logger: Logger;
  metrics: Metrics;
  store: ProductStore;
  stock: StockStore;
  events: EventPublisher;
  /** The HMAC key of the gateway's forwarded identity (secret `gateway-identity-key`). */
  identityKey: string;
  reservationTtlSeconds: number;
  sweepBatchSize: number;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

/** The catalog app, wired from its dependencies; main.ts provides real ones, tests may provide fakes. */
export function createCatalogApp(deps: CatalogDeps) {
  const { logger, stock, events } = deps;
  return createApp({
    logger,
    metrics: deps.metrics,
    routers: [
      routerFor(productRoutes(deps.store)),
      behindIdentity(deps.identityKey, routerFor(adminRoutes(deps.store, stock)), adminOnly({ hide: false })),
      routerFor(reservationSweepRoutes({ stock, events, logger, batchSize: deps.sweepBatchSize })),
      catalogSubscriptions({ stock, events, logger, reservationTtlSeconds: deps.reservationTtlSeconds }),
    ],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
