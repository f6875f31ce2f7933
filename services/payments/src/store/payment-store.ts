import type { Versioned } from '@shop/kit';
import type { PaymentRecord } from '../domain/payment';

/**
 * The payment record of each order, one stored item per order, written with optimistic concurrency.
 * Conflicts throw EtagMismatchError (the caller re-reads and decides again); other failures throw
 * DependencyError. dapr-payment-store.ts is the adapter.
 */
export interface PaymentStore {
  get(orderId: string): Promise<Versioned<PaymentRecord> | undefined>;
  /** Insert-if-absent: EtagMismatchError when the order already has a record. */
  create(record: PaymentRecord): Promise<void>;
  /** Replace what was read with `etag`: EtagMismatchError when someone wrote since. */
  replace(record: PaymentRecord, etag: string): Promise<void>;
}
