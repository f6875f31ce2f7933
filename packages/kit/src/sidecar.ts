import type { ReadinessCheck } from './http/health';
import type { EventData, EventDef } from '@shop/contracts';

// The one port through which a service reaches infrastructure: its own Dapr sidecar. Services, their
// adapters and their tests see only this interface; `dapr/` (the only code that imports @dapr/dapr)
// implements it, and tests hand in fakes.

export interface Versioned<T> {
  value: T;
  etag: string;
}

export interface SaveOptions {
  /** Write only if the stored item still has this ETag (optimistic concurrency). */
  etag?: string;
  /** Expire the item after this many seconds (state TTL). */
  ttlSeconds?: number;
}

export type StateOperation<T> =
  | {
      operation: 'upsert';
      key: string;
      value: T;
      etag?: string;
      /** Without an ETag: create only if the key does not exist (insert-if-absent). */
      create?: boolean;
      metadata?: Record<string, string>;
    }
  | { operation: 'delete'; key: string; etag?: string };

/**
 * One state store, by component name. A write with an ETag is first-write-wins; every failure throws:
 * EtagMismatchError when someone else wrote first, DependencyError otherwise.
 */
export interface StateStore<T> {
  readonly storeName: string;
  /** The value with its ETag, or undefined when the key holds nothing. */
  get(key: string): Promise<Versioned<T> | undefined>;
  save(key: string, value: T, options?: SaveOptions): Promise<void>;
  /** Creates the item only if it does not exist; EtagMismatchError when it already does. */
  create(key: string, value: T, options?: Pick<SaveOptions, 'ttlSeconds'>): Promise<void>;
  delete(key: string, etag?: string): Promise<void>;
  /**
   * The state transaction API (the only one the transactional outbox fires on). Atomic where the store
   * is transactional (PostgreSQL, MySQL); on Redis an operation whose ETag fails does NOT roll back the
   * others, so keep anything that must be all-or-nothing in one key.
   */
  transact(operations: StateOperation<T>[], metadata?: Record<string, string>): Promise<void>;
}

export interface InvokeOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Sidecar {
  state<T>(storeName: string): StateStore<T>;
  /** Validates `data` against the event's schema, then publishes it as a CloudEvent of its type on its topic. */
  publish<E extends EventDef>(event: E, data: EventData<E>): Promise<void>;
  /**
   * Calls another app by service invocation, with the current request id and trace context. A callee's
   * 4xx (or its 503 that sheds load) throws an AppError with its problem; anything else DependencyError.
   */
  invoke<T>(appId: string, path: string, options?: InvokeOptions): Promise<T>;
  /** One secret of the service's secret store; missing or empty throws, naming both. */
  secret(name: string): Promise<string>;
  /** The names of the sidecar's pub/sub components (its metadata API). */
  pubsubs(): Promise<string[]>;
  /** The /readyz check: the sidecar has loaded its components and can serve outbound calls. */
  readiness: ReadinessCheck;
}
