import { DropEvent, retryOnEtag, type Logger } from '@shop/kit';
import type { Decision, PaymentRecord } from '../domain/payment';
import { eventTypeOf, type OutcomePublisher, type PaymentStore } from '../ports';

export interface EventDeps {
  payments: PaymentStore;
  publisher: OutcomePublisher;
  logger: Logger;
  now: () => Date;
}

/** Concurrent deliveries for one order conflict on the ETag; after this many tries the sidecar retries. */
export const MAX_ATTEMPTS = 5;

/**
 * Reads the order's payment record, lets the state machine decide, writes the new record guarded by the
 * ETag that was read (insert-if-absent when there was none), and only then publishes. A lost race re-reads
 * and decides again from what the winner wrote, so an outcome is decided once; a publish that fails
 * throws, the sidecar redelivers, and the duplicate re-publishes the recorded outcome.
 */
export async function applyToPayment(
  deps: EventDeps,
  eventType: string,
  orderId: string,
  decide: (current: PaymentRecord | undefined) => Decision,
): Promise<void> {
  const meta = { 'event.type': eventType, 'order.id': orderId };
  const retry = {
    attempts: MAX_ATTEMPTS,
    onConflict: (attempt: number) => void deps.logger.debug('payment record changed concurrently; deciding again', { ...meta, attempt }),
  };
  const decision = await retryOnEtag(retry, async () => {
    const current = await deps.payments.get(orderId);
    const decided = decide(current?.value);
    if (decided.kind !== 'write') return decided;
    if (current) await deps.payments.replace(decided.record, current.etag);
    else await deps.payments.create(decided.record);
    return decided;
  });

  switch (decision.kind) {
    case 'wait':
      // The subscription router logs the error and answers RETRY; the sidecar redelivers with back-off.
      throw new Error(`order ${orderId}: ${decision.note}`);
    case 'reject':
      deps.logger.error('payment event contradicts the recorded payment', { ...meta, reason: decision.note });
      throw new DropEvent(`order ${orderId}: ${decision.note}`);
    case 'write':
    case 'keep':
      deps.logger.info('payment event applied', {
        ...meta,
        'payment.decision': decision.kind === 'write' ? decision.record.status : 'unchanged',
        'payment.note': decision.note,
      });
      if (decision.publish) {
        await deps.publisher.publish(decision.publish);
        deps.logger.info('payment outcome published', { ...meta, 'payment.outcome': eventTypeOf(decision.publish) });
      }
  }
}
