import { OrderCancelled, type EventData } from '@shop/contracts';
import { on, type EventHandler } from '@shop/kit';
import { onOrderCancelled } from '../domain/payment';
import { applyToPayment, type EventDeps } from '../use-cases/apply-decision';

type Cancelled = EventData<typeof OrderCancelled>;

/** The order is cancelled: void or refund its payment, or block an authorization that has not happened yet. */
export function orderCancelledHandler(deps: EventDeps): EventHandler<Cancelled> {
  return on(OrderCancelled, async (data) => {
    const at = deps.now().toISOString();
    const ids = { orderId: data.orderId, customerId: data.customerId };
    await applyToPayment(deps, OrderCancelled.type, data.orderId, (current) => onOrderCancelled(current, ids, at));
  });
}
