import type { EventHandler, Logger } from '@shop/kit';
import type { StockStore } from '../ports';
import type { EventPublisher } from '../ports';
import { orderCancelledHandler } from './order-cancelled.handler';
import { orderConfirmedHandler } from './order-confirmed.handler';
import { orderPlacedHandler } from './order-placed.handler';

export interface SubscriptionDeps {
  stock: StockStore;
  events: EventPublisher;
  logger: Logger;
  reservationTtlSeconds: number;
}

/**
 * The catalog's subscriptions: the three order events that move stock. The other events of the `orders`
 * topic match no routing rule, so the sidecar acknowledges and skips them; what fails for good goes to
 * the dead-letter topic.
 */
export function catalogSubscriptions(deps: SubscriptionDeps): EventHandler<never>[] {
  return [orderPlacedHandler(deps), orderConfirmedHandler(deps), orderCancelledHandler(deps)];
}
