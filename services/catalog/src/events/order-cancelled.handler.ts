import { on, type EventHandler } from '@shop/kit';
import { OrderCancelled, type EventData } from '@shop/contracts';
import { cancelAction, canonicalUuid } from '../domain/stock';
import type { SettleDeps } from './order-confirmed.handler';

/**
 * Releases the order's held reservation, so its units are available again. Idempotent: released,
 * expired or rejected reservations hold nothing, and no reservation at all is a no-op. A committed one
 * is left alone (a confirmed order is not cancelled in this design) and logged.
 */
export function orderCancelledHandler(deps: SettleDeps): EventHandler<EventData<typeof OrderCancelled>> {
  return on(OrderCancelled, async (data) => {
    const orderId = canonicalUuid(data.orderId);
    const { before } = await deps.stock.release(orderId);
    const meta = { 'order.id': orderId, 'reservation.status': before ?? 'none', 'order.cancel_reason': data.reason };
    switch (cancelAction(before)) {
      case 'release':
        deps.logger.info('reservation released', meta);
        break;
      case 'keep-committed':
        deps.logger.warn('cancellation of an order whose stock was committed: left as is', meta);
        break;
      case 'already-settled':
      case 'no-reservation':
        deps.logger.debug('cancellation found no held stock', meta);
        break;
    }
  });
}
