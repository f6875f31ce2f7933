import type { StateStore } from '@shop/kit';
import type { Cart } from '../domain/cart';
import type { CartStore, StoredCart } from '../ports';

/** The state store key of a customer's cart. */
export const cartKey = (customerId: string): string => `cart-${customerId}`;

/**
 * Carts in a Dapr state store (the `cartstore` component), one key per customer, guarded by ETags. Every
 * write passes the TTL, so a cart nobody touches for that long expires by itself.
 */
export class DaprCartStore implements CartStore {
  constructor(
    private readonly state: StateStore<Cart>,
    private readonly ttlSeconds: number,
  ) {}

  async load(customerId: string): Promise<StoredCart | undefined> {
    const found = await this.state.get(cartKey(customerId));
    return found && { cart: found.value, etag: found.etag };
  }

  async insert(customerId: string, cart: Cart): Promise<void> {
    await this.state.create(cartKey(customerId), cart, { ttlSeconds: this.ttlSeconds });
  }

  async replace(customerId: string, cart: Cart, etag: string): Promise<void> {
    // Without an ETag the kit writes unconditionally, which would silently lose a concurrent change.
    if (!etag) throw new Error(`cart ${cartKey(customerId)} was read without an ETag; refusing an unguarded write`);
    await this.state.save(cartKey(customerId), cart, { etag, ttlSeconds: this.ttlSeconds });
  }
}
