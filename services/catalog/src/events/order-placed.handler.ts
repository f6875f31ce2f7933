import { on, type EventHandler, type Logger } from '@shop/kit';
import { OrderPlaced, type EventData } from '@shop/contracts';
import { canonicalUuid } from '../domain/stock';
import type { StockStore } from '../ports';
import type { EventPublisher } from '../ports';
import { publishOutcome } from '../use-cases/publish-outcome';

export interface OrderPlacedDeps {
  stock: StockStore;
  events: EventPublisher;
  logger: Logger;
  reservationTtlSeconds: number;
}

/**
 * Reserves all of the order's lines or none, then announces the outcome. The outcome is recorded in
 * the same transaction as the reservation and published only after it committed; when the publish
 * fails the handler throws (the sidecar redelivers), and the redelivery re-publishes what was recorded
 * instead of deciding again.
 */
export function orderPlacedHandler(deps: OrderPlacedDeps): EventHandler<EventData<typeof OrderPlaced>> {
  return on(OrderPlaced, async (data) => {
    const orderId = canonicalUuid(data.orderId);
    const { outcome, replayed } = await deps.stock.reserve({
      orderId,
      lines: data.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      ttlSeconds: deps.reservationTtlSeconds,
    });
    deps.logger.info(replayed ? 'reservation already recorded; re-publishing its outcome' : `stock ${outcome.kind}`, {
      'order.id': orderId,
      'reservation.outcome': outcome.kind,
      ...(outcome.kind === 'rejected' ? { 'reservation.reason': outcome.reason } : {}),
    });
    await publishOutcome(deps.events, outcome);
  });
}
