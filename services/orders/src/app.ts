import type { KeyObject } from 'node:crypto';
import { DEAD_LETTER_TOPIC } from '@shop/contracts';
import {
  createApp,
  identityParser,
  identityVerifier,
  routerFor,
  subscriptionRouter,
  type Lifecycle,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@shop/kit';
import { sagaHandlers } from './events/saga.handlers';
import { operationRoutes } from './routes/operations.routes';
import { orderRoutes } from './routes/orders.routes';
import { withFunnelMetrics } from './store/funnel-event-store';
import type { CheckoutDeps } from './use-cases/place-order';
import { SagaRedrive } from './use-cases/redrive-sagas';

export interface OrdersDeps extends CheckoutDeps {
  metrics: Metrics;
  logger: Logger;
  /** The gateway's Ed25519 public key (secret `gateway-identity-public-key`): a forwarded identity must be signed with it, for `orders`. */
  identityKey: KeyObject;
  fulfillmentBinding: string;
  /** An unfinished order whose last event is older than this has it published again (SagaRedrive). */
  redriveAfterMs: number;
  readiness: ReadinessCheck[];
  lifecycle: Lifecycle;
  /** The sidecar's pub/sub components (`sidecarPubsubs`): a topic with a component `<pubsub>-<topic>` is subscribed there. */
  pubsubComponents?: () => Promise<readonly string[]>;
  appApiToken?: string | undefined;
  bodyLimit?: string;
}

export function createOrdersApp(given: OrdersDeps) {
  // Every append (checkout, saga, fulfillment) goes through the one store that counts the funnel.
  const deps = { ...given, events: withFunnelMetrics(given.events, given.metrics.registry) };
  return createApp({
    logger: deps.logger,
    metrics: deps.metrics,
    routers: [
      subscriptionRouter(sagaHandlers(deps), deps.logger, {
        deadLetterTopic: DEAD_LETTER_TOPIC,
        pubsubComponents: deps.pubsubComponents,
      }),
      routerFor([...orderRoutes(deps), ...operationRoutes(deps, deps.fulfillmentBinding, new SagaRedrive(deps, deps.redriveAfterMs))]),
    ],
    middleware: [identityParser(identityVerifier(deps.identityKey, 'orders'))],
    readiness: deps.readiness,
    lifecycle: deps.lifecycle,
    ...(deps.appApiToken ? { appApiToken: deps.appApiToken } : {}),
    ...(deps.bodyLimit ? { bodyLimit: deps.bodyLimit } : {}),
  });
}
