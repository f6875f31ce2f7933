import type { Method, Versioned } from '@shop/kit';

// The ports of the gateway: the other apps of the shop, and the shared rate-limit counters. adapters/
// implements them over the sidecar; tests give fakes.

export interface Counter {
  count: number;
}

/**
 * Where rate-limit counters live, shared by every gateway replica. Both writes are conditional, so two
 * replicas counting the same request window never lose an increment: the loser gets EtagMismatchError
 * and reads again.
 */
export interface CounterStore {
  get(key: string): Promise<Versioned<Counter> | undefined>;
  /** Writes only when the key does not exist yet; throws EtagMismatchError when it does. */
  create(key: string, value: Counter, ttlSeconds: number): Promise<void>;
  /** Writes only when the stored ETag is still `etag`; throws EtagMismatchError otherwise. */
  update(key: string, value: Counter, etag: string, ttlSeconds: number): Promise<void>;
}

/** One call to another app of the shop. The gateway reaches upstreams only through this interface. */
export interface UpstreamRequest {
  /** Dapr app id of the callee. */
  appId: string;
  method: Method;
  /** Path with its query string, e.g. `/products?limit=5`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Resolves with the callee's JSON answer. Rejects with an AppError carrying the callee's own 4xx (status,
 * title, detail, errors), or a DependencyError: 503 when the callee cannot be reached, 502 when it failed.
 */
export interface Upstream {
  call(request: UpstreamRequest): Promise<unknown>;
}
