import type { KeyObject } from 'node:crypto';
import { DEAD_LETTER_TOPIC } from '@shop/contracts';
import {
  createApp,
  routerFor,
  subscriptionRouter,
  type EventHandler,
  type Lifecycle,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  adminOnly,
  behindIdentity,
  identityVerifier,
} from '@shop/kit';
import { orderCancelledHandler } from './events/order-cancelled.handler';
import { orderConfirmedHandler } from './events/order-confirmed.handler';
import { orderStockReservedHandler } from './events/order-stock-reserved.handler';
import type { OutcomePublisher } from './events/outcome-publisher';
import { paymentMethodRoutes } from './routes/payment-methods.routes';
import { paymentRoutes } from './routes/payments.routes';
import type { PaymentMethodStore } from './store/payment-method-store';
import type { PaymentStore } from './store/payment-store';

export interface PaymentsDeps {
  logger: Logger;
  metrics: Metrics;
  /** The gateway's Ed25519 public key (secret `gateway-identity-public-key`): a forwarded identity must be signed with it, for `payments`. */
  identityKey: KeyObject;
  methods: PaymentMethodStore;
  payments: PaymentStore;
  publisher: OutcomePublisher;
  /** The clock of expiry checks and history timestamps (tests fix it). */
  now?: () => Date;
  readiness?: ReadinessCheck[];
  lifecycle?: Lifecycle;
  /** The sidecar's pub/sub components (`sidecarPubsubs`): a topic with a component `<pubsub>-<topic>` is subscribed there. */
  pubsubComponents?: () => Promise<readonly string[]>;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

/** The payments app, wired from its dependencies; main.ts provides real ones, tests may provide fakes. */
export function createPaymentsApp(deps: PaymentsDeps) {
  const now = deps.now ?? (() => new Date());
  const identity = identityVerifier(deps.identityKey, 'payments');
  const eventDeps = { payments: deps.payments, publisher: deps.publisher, logger: deps.logger, now };
  const handlers: EventHandler<never>[] = [
    orderStockReservedHandler({ ...eventDeps, methods: deps.methods }),
    orderConfirmedHandler(eventDeps),
    orderCancelledHandler(eventDeps),
  ];
  return createApp({
    logger: deps.logger,
    metrics: deps.metrics,
    routers: [
      subscriptionRouter(handlers, deps.logger, {
        deadLetterTopic: DEAD_LETTER_TOPIC,
        pubsubComponents: deps.pubsubComponents,
      }),
      behindIdentity(identity, routerFor(paymentMethodRoutes(deps.methods, now))),
      behindIdentity(identity, routerFor(paymentRoutes(deps.payments)), adminOnly({ hide: true })),
    ],
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    ...(deps.lifecycle ? { lifecycle: deps.lifecycle } : {}),
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
