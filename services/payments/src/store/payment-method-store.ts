import type { PaymentMethod } from '../domain/payment-method';

/** A customer's tokenized cards; dapr-payment-method-store.ts is the adapter. Failures throw. */
export interface PaymentMethodStore {
  /** Adds a method to its customer's list; ConflictError when the customer holds the maximum. */
  add(method: PaymentMethod): Promise<void>;
  /** The customer's methods, oldest first. */
  listFor(customerId: string): Promise<PaymentMethod[]>;
  /** The customer's method with this token; undefined when it is unknown or another customer's. */
  find(customerId: string, token: string): Promise<PaymentMethod | undefined>;
}
