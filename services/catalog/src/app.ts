import { createApp, routerFor, type Lifecycle, type Logger, type Metrics, type ReadinessCheck } from '@shop/kit';
import type { ProductStore } from './store/product-store';
import { productRoutes } from './routes/products.routes';

export interface CatalogDeps {
  logger: Logger;
  metrics: Metrics;
  store: ProductStore;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

/** The catalog app, wired from its dependencies; main.ts provides real ones, tests may provide fakes. */
export function createCatalogApp(deps: CatalogDeps) {
  return createApp({
    logger: deps.logger,
    metrics: deps.metrics,
    routers: [routerFor(productRoutes(deps.store))],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
