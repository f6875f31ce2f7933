import { OrderConfirmed, PUBSUB, type EventData } from '@shop/contracts';
import type { EventHandler } from '@shop/kit';
import { onOrderConfirmed } from '../domain/payment';
import { applyToPayment, type EventDeps } from './apply-decision';

type Confirmed = EventData<typeof OrderConfirmed>;

/** The order is confirmed: capture the authorized amount exactly once. */
export function orderConfirmedHandler(deps: EventDeps): EventHandler<Confirmed> {
  return {
    pubsub: PUBSUB,
    topic: OrderConfirmed.topic,
    type: OrderConfirmed.type,
    schema: OrderConfirmed.schema,
    async handle(data) {
      const at = deps.now().toISOString();
      await applyToPayment(deps, OrderConfirmed.type, data.orderId, (current) => onOrderConfirmed(current, at));
    },
  };
}
