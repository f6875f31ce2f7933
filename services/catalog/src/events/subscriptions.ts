import { subscriptionRouter, type Logger } from '@shop/kit';
import { DEAD_LETTER_TOPIC } from '@shop/contracts';
import type { StockStore } from '../store/stock-store';
import type { EventPublisher } from './event-publisher';
import { orderCancelledHandler } from './order-cancelled.handler';
import { orderConfirmedHandler } from './order-confirmed.handler';
import { orderPlacedHandler } from './order-placed.handler';

export interface SubscriptionDeps {
  stock: StockStore;
  events: EventPublisher;
  logger: Logger;
  reservationTtlSeconds: number;
  pubsubComponents?: () => Promise<readonly string[]>;
}

/**
 * The catalog's subscriptions: the three order events that move stock. The other events of the `orders`
 * topic match no routing rule, so the sidecar acknowledges and skips them; what fails for good goes to
 * the dead-letter topic.
 */
export function catalogSubscriptions(deps: SubscriptionDeps) {
  return subscriptionRouter([orderPlacedHandler(deps), orderConfirmedHandler(deps), orderCancelledHandler(deps)], deps.logger, {
    deadLetterTopic: DEAD_LETTER_TOPIC,
    pubsubComponents: deps.pubsubComponents,
  });
}
