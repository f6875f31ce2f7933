import '@shop/kit/tracing';
import {
  DaprStateStore,
  createDaprClient,
  createLogger,
  createMetrics,
  identityPublicKey,
  readSecret,
  serve,
  sidecarReadiness,
  waitForSidecar,
  runMain,
} from '@shop/kit';
import { createCartApp } from './app';
import { loadConfig } from './config';
import type { Cart } from './domain/cart';
import { DaprCartStore } from './store/dapr-cart-store';
import { DaprProductCatalog } from './store/dapr-product-catalog';
import { CartService } from './use-cases/cart-service';

// config → dependencies → listen → drain on SIGTERM. Nothing else belongs here.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'cart', level: config.logLevel });
  const dapr = createDaprClient(config, logger);
  await waitForSidecar(dapr, config, config.sidecarWaitMs);

  const carts = new CartService({
    store: new DaprCartStore(new DaprStateStore<Cart>(dapr, config.stateStore), config.cartTtlSeconds),
    catalog: new DaprProductCatalog(dapr, config.catalogAppId, config.catalogTimeoutMs),
    logger,
  });
  const lifecycle = { draining: false };
  const app = createCartApp({
    logger,
    metrics: createMetrics('cart'),
    carts,
    identityKey: identityPublicKey(await readSecret(dapr, config.secretStore, config.identityPublicKeySecret)),
    readiness: [sidecarReadiness(config)],
    lifecycle,
    appApiToken: config.appApiToken,
    bodyLimit: config.bodyLimit,
  });
  await serve(app, {
    port: config.port,
    host: config.host,
    opsPort: config.opsPort,
    logger,
    lifecycle,
    drainMs: config.drainMs,
    onClose: [() => dapr.stop()],
  });
}

runMain('cart', main);
