import type { Cart, ProductSnapshot } from './domain/cart';

// The ports the cart's use cases need; adapters/ implements them over the sidecar.

/** A cart with the version it was read at. */
export interface StoredCart {
  cart: Cart;
  etag: string;
}

/**
 * Where carts live, one per customer. Writes are optimistic: both `insert` and `replace` throw the kit's
 * EtagMismatchError when someone else wrote first, and any other failure throws (DependencyError).
 * adapters/dapr-cart-store.ts is the adapter; every write also renews the cart's expiry.
 */
export interface CartStore {
  /** The customer's cart, or undefined when there is none (never written, or expired). */
  load(customerId: string): Promise<StoredCart | undefined>;
  /** Writes a first cart; EtagMismatchError when one exists already (a concurrent first write won). */
  insert(customerId: string, cart: Cart): Promise<void>;
  /** Replaces the cart only if it is still at `etag`; EtagMismatchError otherwise. */
  replace(customerId: string, cart: Cart, etag: string): Promise<void>;
}

/**
 * The catalog as the cart sees it. adapters/dapr-product-catalog.ts asks the catalog service through Dapr
 * service invocation.
 */
export interface ProductCatalog {
  /**
   * The product as the catalog has it now, or undefined when it does not exist. Throws (DependencyError)
   * when the catalog cannot answer, including when it does not answer in time.
   */
  find(productId: string): Promise<ProductSnapshot | undefined>;
  /**
   * The products as the catalog has them now, asked all at once (one call), keyed by the ids as given;
   * an id the catalog does not know is absent from the map. Throws (DependencyError) like `find`.
   */
  findMany(productIds: readonly string[]): Promise<Map<string, ProductSnapshot>>;
}
