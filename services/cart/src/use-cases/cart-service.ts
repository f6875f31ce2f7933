import type { Logger } from '@shop/kit';
import {
  UnknownProductError,
  cartView,
  clearCart,
  emptyCart,
  removeItem,
  setQuantity,
  type Cart,
  type CartView,
  type ProductSnapshot,
} from '../domain/cart';
import type { CartStore } from '../ports';
import type { ProductCatalog } from '../ports';
import { defaultRetryPolicy, updateCart, type RetryPolicy } from './update-cart';

export interface CartServiceDeps {
  store: CartStore;
  catalog: ProductCatalog;
  logger: Logger;
  now?: () => Date;
  retry?: RetryPolicy;
}

/** The cart's use cases, one per route; the customer is always the caller's own identity. */
export class CartService {
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: CartServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.retry = deps.retry ?? {
      ...defaultRetryPolicy,
      onConflict: (attempt) => deps.logger.debug('cart write lost a race with another writer; re-reading', { attempt }),
    };
  }

  async view(customerId: string): Promise<CartView> {
    const stored = await this.deps.store.load(customerId);
    return this.present(stored?.cart ?? emptyCart());
  }

  /** Adds the product or sets its quantity, at the catalog's price now. */
  async setItem(customerId: string, productId: string, quantity: number): Promise<CartView> {
    // Asked once, before the write loop: a retry re-applies the same decision to the fresher cart.
    const product = await this.deps.catalog.find(productId);
    if (!product) throw new UnknownProductError(productId);
    const cart = await this.update(customerId, (c) => setQuantity(c, product, quantity, this.now()));
    // Keyed as the line is (the catalog's spelling of the id), so present() does not ask for it again.
    return this.present(cart, new Map([[product.productId, product]]));
  }

  /** Removing a product that is not in the cart is not an error: the cart is as asked. */
  async removeItem(customerId: string, productId: string): Promise<CartView> {
    return this.present(await this.update(customerId, (c) => removeItem(c, productId, this.now())));
  }

  /**
   * Empties the cart (orders does this after checkout). The key is overwritten with an empty cart rather
   * than deleted: Redis accepts a write with ANY ETag to a missing key, so after a delete a write that
   * read the old cart would bring the checked-out lines back. An empty cart keeps the version moving,
   * so that write fails its ETag and re-applies its change to the empty cart instead.
   */
  async clear(customerId: string): Promise<void> {
    await this.update(customerId, (c) => clearCart(c, this.now()));
  }

  private update(customerId: string, change: (cart: Cart) => Cart): Promise<Cart> {
    return updateCart(this.deps.store, customerId, change, this.retry);
  }

  /**
   * The cart beside the catalog's current data, asked in one call for every line not already `known`.
   * When the catalog cannot answer (down, slow, or confused), every line is shown from its snapshot
   * alone: the cart still answers. A product the catalog no longer has is shown the same way.
   */
  private async present(cart: Cart, known: ReadonlyMap<string, ProductSnapshot> = new Map()): Promise<CartView> {
    const current = new Map(known);
    const missing = cart.items.map((l) => l.productId).filter((id) => !known.has(id));
    if (missing.length > 0) {
      try {
        for (const [id, product] of await this.deps.catalog.findMany(missing)) current.set(id, product);
      } catch (err) {
        this.deps.logger.warn('catalog look-up failed; showing the lines without current data', { 'product.ids': missing, err });
      }
    }
    return cartView(cart, current);
  }
}
