import type { KeyObject } from 'node:crypto';
import {
  createApp,
  identityParser,
  identityVerifier,
  routerFor,
  type Lifecycle,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@shop/kit';
import { cartRoutes } from './routes/cart.routes';
import type { CartService } from './use-cases/cart-service';

export interface CartDeps {
  logger: Logger;
  metrics: Metrics;
  carts: CartService;
  /** The gateway's Ed25519 public key (secret `gateway-identity-public-key`): a forwarded identity must be signed with it, for `cart`. */
  identityKey: KeyObject;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

/** The cart app, wired from its dependencies; main.ts provides real ones, tests may provide fakes. */
export function createCartApp(deps: CartDeps) {
  // The parser runs only for requests that match a cart route (not for probes), and before input
  // validation: a forged identity is a 401 whatever the body says. (`routerFor([])` is an empty router
  // from the kit, so the cart needs no direct dependency on @koa/router.)
  const cart = routerFor([]);
  cart.use(identityParser(identityVerifier(deps.identityKey, 'cart')));
  cart.use(routerFor(cartRoutes(deps.carts)).routes());
  return createApp({
    logger: deps.logger,
    metrics: deps.metrics,
    routers: [cart],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
