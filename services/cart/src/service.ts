import { defineService } from '@shop/kit';
import { DaprCartStore } from './adapters/dapr-cart-store';
import { DaprProductCatalog } from './adapters/dapr-product-catalog';
import { settings } from './config';
import type { Cart } from './domain/cart';
import { cartRoutes } from './routes/cart.routes';
import { CartService } from './use-cases/cart-service';

/** The cart: one per customer, in a state store, priced from the catalog. */
export const cartService = defineService({
  name: 'cart',
  settings,
  ports: ({ config, logger, sidecar }) => ({
    carts: new CartService({
      store: new DaprCartStore(sidecar.state<Cart>(config.stateStore), config.cartTtlSeconds),
      catalog: new DaprProductCatalog(sidecar, config.catalogAppId, config.catalogTimeoutMs),
      logger,
    }),
  }),
  http: ({ carts }) => cartRoutes(carts),
});
