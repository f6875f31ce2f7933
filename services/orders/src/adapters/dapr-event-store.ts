import { createHash } from 'node:crypto';
import { propagationHeaders, type StateStore } from '@shop/kit';
import type { OrderEvent } from '../domain/order';
import type { IdempotencyRecord, IdempotencyStore, OrderEventStore, OrderStream } from '../ports';

interface StreamDoc {
  orderId: string;
  events: OrderEvent[];
}

/**
 * Each order's events in ONE key of the state store (`order-<id>`), so an append is a single-key write
 * guarded by the ETag: atomic on every store, Redis included. The append goes through the state
 * TRANSACTION API with an `outbox.projection` operation: the sidecar saves the whole stream but
 * publishes only the new event (CloudEvent `type` from the operation's metadata) to the store's outbox
 * topic, and only if the write committed.
 */
export class DaprOrderEventStore implements OrderEventStore {
  constructor(private readonly store: StateStore<StreamDoc | Record<string, unknown>>) {}

  async load(orderId: string): Promise<OrderStream | undefined> {
    const found = await this.store.get(key(orderId));
    if (!found) return undefined;
    return { events: (found.value as StreamDoc).events, etag: found.etag };
  }

  append(orderId: string, event: OrderEvent, expected: OrderStream | undefined): Promise<void> {
    return this.write(orderId, [...(expected?.events ?? []), event], expected?.etag);
  }

  republishLast(orderId: string, stream: OrderStream): Promise<void> {
    if (!stream.etag || stream.events.length === 0) throw new Error(`order ${orderId}: only a stored stream can be republished`);
    return this.write(orderId, stream.events, stream.etag);
  }

  /** Saves the stream (over `etag`, or only if absent) and publishes its last event if the write commits. */
  private async write(orderId: string, events: OrderEvent[], etag: string | undefined): Promise<void> {
    const doc: StreamDoc = { orderId, events };
    const event = events[events.length - 1]!;
    // The outbox copies the operation's metadata into the CloudEvent: `traceparent` keeps the trace going
    // across the broker (a header or `cloudevent.traceparent` is not carried over).
    const { traceparent } = propagationHeaders();
    await this.store.transact([
      {
        operation: 'upsert',
        key: key(orderId),
        value: doc,
        // A new stream is created only if absent; an existing one only over the ETag it was read with.
        ...(etag ? { etag } : { create: true }),
        // Copied by the outbox into the published CloudEvent.
        metadata: { type: event.type, ...(traceparent ? { traceparent } : {}) },
      },
      {
        operation: 'upsert',
        key: key(orderId),
        value: event.data,
        metadata: { 'outbox.projection': 'true', contentType: 'application/json' },
      },
    ]);
  }
}

const key = (orderId: string) => `order-${orderId}`;

export class DaprIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly store: StateStore<IdempotencyRecord>,
    private readonly ttlSeconds: number,
  ) {}

  async get(customerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return (await this.store.get(idemKey(customerId, key)))?.value;
  }

  async claim(customerId: string, key: string, record: IdempotencyRecord): Promise<void> {
    // A plain save (not a transaction) never goes through the outbox.
    await this.store.create(idemKey(customerId, key), record, { ttlSeconds: this.ttlSeconds });
  }
}

// Keys are hashed: an idempotency key is client input and must not shape the store's key space.
const idemKey = (customerId: string, key: string) => `idem-${customerId}-${createHash('sha256').update(key).digest('base64url')}`;
