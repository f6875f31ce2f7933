import type { KeyObject } from 'node:crypto';
import {
  createApp,
  routerFor,
  type Lifecycle,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  adminOnly,
  behindIdentity,
  identityVerifier,
} from '@shop/kit';
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
  /** The gateway's Ed25519 public key (secret `gateway-identity-public-key`): a forwarded identity must be signed with it, for `catalog`. */
  identityKey: KeyObject;
  reservationTtlSeconds: number;
  sweepBatchSize: number;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  /** The sidecar's pub/sub components (`sidecarPubsubs`): a topic with a component `<pubsub>-<topic>` is subscribed there. */
  pubsubComponents?: () => Promise<readonly string[]>;
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
      behindIdentity(identityVerifier(deps.identityKey, 'catalog'), routerFor(adminRoutes(deps.store, stock)), adminOnly({ hide: false })),
      routerFor(reservationSweepRoutes({ stock, events, logger, batchSize: deps.sweepBatchSize })),
      catalogSubscriptions({
        stock,
        events,
        logger,
        reservationTtlSeconds: deps.reservationTtlSeconds,
        pubsubComponents: deps.pubsubComponents,
      }),
    ],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
