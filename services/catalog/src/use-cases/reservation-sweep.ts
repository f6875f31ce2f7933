import type { Logger } from '@shop/kit';
import { StockReservationExpired } from '@shop/contracts';
import type { StockStore } from '../ports';
import type { EventPublisher } from '../ports';

export interface SweepDeps {
  stock: StockStore;
  events: EventPublisher;
  logger: Logger;
  /** Reservations one transaction expires or announces at most. */
  batchSize: number;
}

export interface SweepResult {
  expired: number;
  announced: number;
  /** Expired but not yet announced (the publish failed): the next sweep tries again. */
  unannounced: number;
}

// Bounds one sweep's work, so a backlog drains over several runs instead of one endless request.
const MAX_BATCHES = 20;

/**
 * Returns the stock of held reservations nobody confirmed or cancelled in time, then announces each
 * expiry (stock.reservation-expired.v1) after its transaction committed. An announcement whose publish
 * failed stays flagged unannounced and is retried by the next sweep.
 */
export async function sweepReservations(deps: SweepDeps): Promise<SweepResult> {
  let expired = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const ids = await deps.stock.expireDue(deps.batchSize);
    expired += ids.length;
    if (ids.length < deps.batchSize) break;
  }
  let announced = 0;
  let unannounced = 0;
  let error: unknown;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const notices = await deps.stock.announceExpiries(deps.batchSize, (orderId) =>
      deps.events.publish(StockReservationExpired, { orderId }),
    );
    announced += notices.published;
    unannounced = notices.failed;
    error = notices.error;
    if (notices.failed > 0 || notices.published < deps.batchSize) break;
  }
  const counts = { 'reservation.expired': expired, 'reservation.announced': announced, 'reservation.unannounced': unannounced };
  if (unannounced > 0)
    deps.logger.warn('reservation sweep could not announce every expiry; the next sweep retries', { ...counts, err: error });
  else if (expired > 0 || announced > 0) deps.logger.info('reservation sweep', counts);
  return { expired, announced, unannounced };
}
