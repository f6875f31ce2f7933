import { DropEvent, retryOnEtag, type Logger } from '@shop/kit';
import { fold, stamp, type Decision, type OrderState } from '../domain/order';
import type { OrderEventStore, OrderReadModel } from '../ports';

const MAX_ATTEMPTS = 5;

/** What the saga's handlers, the fulfillment and the redrive work with. */
export interface SagaDeps {
  events: OrderEventStore;
  readModel: OrderReadModel;
  logger: Logger;
  now: () => Date;
}

export type Outcome = 'recorded' | 'noop' | 'unknown-order';

/**
 * Loads an order, asks `decide` what to record, and appends it with the stream's ETag. A concurrent
 * append makes the ETag stale: reload and decide again (the decision may now be a no-op). An `early`
 * decision throws, so the event is redelivered once its prerequisite is recorded; a `refuse` decision
 * throws DropEvent: the event goes to dead letter, the order is unchanged.
 */
export async function advanceOrder(
  deps: { events: OrderEventStore; logger: Logger; now: () => Date },
  orderId: string,
  decide: (state: OrderState) => Decision,
): Promise<Outcome> {
  return retryOnEtag({ attempts: MAX_ATTEMPTS }, async () => {
    const stream = await deps.events.load(orderId);
    if (!stream) return 'unknown-order';
    const state = fold(stream.events);
    const decision = decide(state);
    if ('noop' in decision) {
      deps.logger.debug('order event ignored', { 'order.id': orderId, reason: decision.noop });
      return 'noop';
    }
    if ('early' in decision) throw new Error(`order ${orderId}: ${decision.early}`);
    if ('refuse' in decision) throw new DropEvent(`order ${orderId}: ${decision.refuse}`);
    const event = stamp(decision.record, orderId, state.customerId, state.version + 1, deps.now());
    await deps.events.append(orderId, event, stream);
    deps.logger.info('order event recorded', { 'order.id': orderId, 'event.type': event.type, 'order.version': event.data.version });
    return 'recorded';
  });
}
