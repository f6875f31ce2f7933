import type { Versioned } from '@shop/kit';
import type { PaymentOutcome, PaymentRecord } from './domain/payment';
import type { PaymentMethod } from './domain/payment-method';

// The ports the payments use cases and routes need; adapters/ implements them over the sidecar.

/** A customer's tokenized cards; adapters/dapr-payment-method-store.ts is the adapter. Failures throw. */
export interface PaymentMethodStore {
  /** Adds a method to its customer's list; ConflictError when the customer holds the maximum. */
  add(method: PaymentMethod): Promise<void>;
  /** The customer's methods, oldest first. */
  listFor(customerId: string): Promise<PaymentMethod[]>;
  /** The customer's method with this token; undefined when it is unknown or another customer's. */
  find(customerId: string, token: string): Promise<PaymentMethod | undefined>;
}

/**
 * The payment record of each order, one stored item per order, written with optimistic concurrency.
 * Conflicts throw EtagMismatchError (the caller re-reads and decides again); other failures throw
 * DependencyError. adapters/dapr-payment-store.ts is the adapter.
 */
export interface PaymentStore {
  get(orderId: string): Promise<Versioned<PaymentRecord> | undefined>;
  /** Insert-if-absent: EtagMismatchError when the order already has a record. */
  create(record: PaymentRecord): Promise<void>;
  /** Replace what was read with `etag`: EtagMismatchError when someone wrote since. */
  replace(record: PaymentRecord, etag: string): Promise<void>;
}

/** Publishes a payment outcome as its versioned event; throws when it was not accepted. */
export interface OutcomePublisher {
  publish(outcome: PaymentOutcome): Promise<void>;
}

/** The CloudEvent type an outcome is published as: `payment.<type>.v1`. */
export const eventTypeOf = (outcome: PaymentOutcome): string => `payment.${outcome.type}.v1`;
