import type { Cart } from '../domain/cart';

/** A cart with the version it was read at. */
export interface StoredCart {
  cart: Cart;
  etag: string;
}

/**
 * Where carts live, one per customer. Writes are optimistic: both `insert` and `replace` throw the kit's
 * EtagMismatchError when someone else wrote first, and any other failure throws (DependencyError).
 * dapr-cart-store.ts is the adapter; every write also renews the cart's expiry.
 */
export interface CartStore {
  /** The customer's cart, or undefined when there is none (never written, or expired). */
  load(customerId: string): Promise<StoredCart | undefined>;
  /** Writes a first cart; EtagMismatchError when one exists already (a concurrent first write won). */
  insert(customerId: string, cart: Cart): Promise<void>;
  /** Replaces the cart only if it is still at `etag`; EtagMismatchError otherwise. */
  replace(customerId: string, cart: Cart, etag: string): Promise<void>;
}
