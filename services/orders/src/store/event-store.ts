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
  /**
   * Publishes the stream's last event again, through the same outbox, without changing the stream (the
   * write is guarded by its ETag: throws EtagMismatchError when the stream moved on meanwhile).
   */
  republishLast(orderId: string, stream: OrderStream): Promise<void>;
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
