import type { Identity } from '@shop/kit';
import type { CartLine, PaymentMethodView } from './domain/checkout';
import type { OrderEvent } from './domain/order';

// The ports the orders use cases need; adapters/ implements them (Dapr state with the outbox, SQL, service invocation).

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

export interface OrderSummary {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  itemCount: number;
  placedAt: string;
  updatedAt: string;
}

export interface OrderDetail extends OrderSummary {
  customerId: string;
  lines: unknown[];
  shippingAddress: unknown;
  payment: { brand: string; last4: string; paymentId: string | null };
  cancelReason: string | null;
  trackingNumber: string | null;
  timeline: Array<{ version: number; type: string; at: string; detail: Record<string, unknown> }>;
}

export interface OrderPage {
  items: OrderSummary[];
  nextCursor: string | null;
}

/**
 * What `project` did with an event: moved the order on; found its version already held (a redelivery);
 * or found it beyond the version held (`held`, 0 when the order is not projected at all), a gap that
 * only the event stream can fill, so nothing was written.
 */
export type Projection = { status: 'projected' } | { status: 'already-held' } | { status: 'gap'; held: number };

/** The order history, projected from the events; every method is idempotent per (order, version). */
export interface OrderReadModel {
  register(orderId: string, customerId: string): Promise<void>;
  /** Projects one event, only if it follows the version held (so the history never skips an event). */
  project(event: OrderEvent): Promise<Projection>;
  /** The version of the order projected here; 0 when it is not projected. */
  versionOf(orderId: string): Promise<number>;
  /** Replaces the order's projection, at once, by the projection of `events` (its whole stream, in order). */
  replace(orderId: string, events: readonly OrderEvent[]): Promise<void>;
  /** Deletes the order's projection (not its registration); false when there was none. */
  remove(orderId: string): Promise<boolean>;
  get(orderId: string): Promise<OrderDetail | undefined>;
  list(filter: { customerId?: string; limit: number; cursor?: string }): Promise<OrderPage>;
  /** Orders confirmed and not shipped, oldest first. */
  confirmedIds(limit: number): Promise<string[]>;
  /**
   * Orders of the last day not shipped or cancelled here (including those registered and never
   * projected) whose last change here is older than `before`: the ones whose saga may have stalled.
   */
  unfinishedIds(before: Date, limit: number): Promise<string[]>;
  /** Every order id known here, registered at checkout or projected, in id order after `afterId`. */
  knownIds(afterId: string | undefined, limit: number): Promise<string[]>;
}

/** The customer's cart, read and cleared as the customer. */
export interface CartClient {
  lines(identity: Identity): Promise<CartLine[]>;
  clear(identity: Identity): Promise<void>;
}

/** One of the customer's saved payment methods, or undefined when it is not theirs or does not exist. */
export interface PaymentMethods {
  get(identity: Identity, token: string): Promise<PaymentMethodView | undefined>;
}
