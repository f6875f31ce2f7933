import { on, type EventHandler, type Logger } from '@shop/kit';
import { OrderConfirmed, type EventData } from '@shop/contracts';
import { canonicalUuid, confirmAction } from '../domain/stock';
import type { StockStore } from '../ports';

export interface SettleDeps {
  stock: StockStore;
  logger: Logger;
}

/**
 * Commits the order's held reservation: its units leave on-hand stock. Idempotent: a redelivery finds
 * the reservation committed and does nothing. A confirmation that arrives after the reservation expired
 * or was released decrements nothing (its units may already be promised to someone else): it is logged
 * for an operator and acknowledged, since retrying cannot change it.
 */
export function orderConfirmedHandler(deps: SettleDeps): EventHandler<EventData<typeof OrderConfirmed>> {
  return on(OrderConfirmed, async (data) => {
    const orderId = canonicalUuid(data.orderId);
    const { before } = await deps.stock.commit(orderId);
    const meta = { 'order.id': orderId, 'reservation.status': before ?? 'none' };
    switch (confirmAction(before)) {
      case 'commit':
        deps.logger.info('reservation committed', meta);
        break;
      case 'already-committed':
        deps.logger.debug('reservation was already committed', meta);
        break;
      case 'not-held':
      case 'no-reservation':
        deps.logger.warn('order confirmed without held stock: nothing was decremented', meta);
        break;
    }
  });
}
