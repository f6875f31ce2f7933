import type { DaprClient } from '@dapr/dapr';
import { publish, StockRejected, StockReserved, type EventData, type EventDef } from '@shop/contracts';
import type { ReservationOutcome } from '../domain/stock';

/** Where the catalog's events go; the Dapr adapter below is the only part that knows the sidecar. */
export interface EventPublisher {
  /** Validates against the event's schema and publishes; throws when the publish is not confirmed. */
  publish<E extends EventDef>(event: E, data: EventData<E>): Promise<void>;
}

export function daprEventPublisher(client: DaprClient): EventPublisher {
  return { publish: (event, data) => publish(client, event, data) };
}

/** The event a reservation outcome is announced with: stock.reserved.v1 or stock.rejected.v1. */
export function publishOutcome(events: EventPublisher, outcome: ReservationOutcome): Promise<void> {
  return outcome.kind === 'reserved'
    ? events.publish(StockReserved, { orderId: outcome.orderId, lines: outcome.lines, expiresAt: outcome.expiresAt })
    : events.publish(StockRejected, { orderId: outcome.orderId, reason: outcome.reason, shortages: outcome.shortages });
}
