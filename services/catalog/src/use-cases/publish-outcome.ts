import { StockRejected, StockReserved } from '@shop/contracts';
import type { ReservationOutcome } from '../domain/stock';
import type { EventPublisher } from '../ports';

/** The event a reservation outcome is announced with: stock.reserved.v1 or stock.rejected.v1. */
export function publishOutcome(events: EventPublisher, outcome: ReservationOutcome): Promise<void> {
  return outcome.kind === 'reserved'
    ? events.publish(StockReserved, { orderId: outcome.orderId, lines: outcome.lines, expiresAt: outcome.expiresAt })
    : events.publish(StockRejected, { orderId: outcome.orderId, reason: outcome.reason, shortages: outcome.shortages });
}
