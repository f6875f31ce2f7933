import type { OrderEvent } from '../domain/order';

export interface OrderStream {
  events: OrderEvent[];
  /** Concurrency token of the stream as loaded; an append must present it. */
  etag: string | undefined;
}

/** Where an order's events live. An append stores the event and publishes it, atomically. */
export interface OrderEventStore {
  load(orderId: string): Promise<OrderStream | undefined>;
  /** Throws EtagMismatchError when the stream changed since `expected` was loaded. */
  append(orderId: string, event: OrderEvent, expected: OrderStream | undefined): Promise<void>;
}

export interface IdempotencyRecord {
  orderId: string;
  requestHash: string;
  createdAt: string;
}

/** Checkout idempotency keys, per customer. `claim` is insert-if-absent. */
export interface IdempotencyStore {
  get(customerId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Throws EtagMismatchError when the key is already claimed. */
  claim(customerId: string, key: string, record: IdempotencyRecord): Promise<void>;
}
