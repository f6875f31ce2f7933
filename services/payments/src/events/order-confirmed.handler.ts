import { OrderConfirmed, type EventData } from '@shop/contracts';
import { on, type EventHandler } from '@shop/kit';
import { onOrderConfirmed } from '../domain/payment';
import { applyToPayment, type EventDeps } from '../use-cases/apply-decision';

type Confirmed = EventData<typeof OrderConfirmed>;

/** The order is confirmed: capture the authorized amount exactly once. */
export function orderConfirmedHandler(deps: EventDeps): EventHandler<Confirmed> {
  return on(OrderConfirmed, async (data) => {
    const at = deps.now().toISOString();
    await applyToPayment(deps, OrderConfirmed.type, data.orderId, (current) => onOrderConfirmed(current, at));
  });
}
