import type { Sidecar } from '@shop/kit';
import type { CategoryNode, NewProduct, ProductChanges, ProductPage, ProductQuery, ProductView } from './domain/product';
import type { RequestedLine, ReservationOutcome, ReservationStatus, StockLevel } from './domain/stock';

// The ports the catalog's use cases, routes and handlers need; adapters/ implements them (TypeORM), and
// events go out through the sidecar.

/** Where the catalog's events go: validated against their schema, published, confirmed or thrown. */
export type EventPublisher = Pick<Sidecar, 'publish'>;

/** What the catalog's use cases and routes need from product storage; adapters/typeorm-product-store.ts is the adapter. */
export interface ProductStore {
  /**
   * One keyset page of products that are not archived. Throws ValidationError for a query the rules
   * reject (price range, limit) or a cursor that is malformed or made for another sort. An unknown
   * category slug gives an empty page; so do `ids` that name no product (they are simply absent).
   */
  search(query: ProductQuery): Promise<ProductPage>;
  /** Undefined for an unknown or archived id, including one that is not a UUID at all. */
  getById(id: string): Promise<ProductView | undefined>;
  categoryTree(): Promise<CategoryNode[]>;
  /**
   * Adds a product with its initial on-hand stock. Throws ConflictError `duplicate-sku` when the SKU is
   * taken (archived products keep theirs), ValidationError when the category slug names no category.
   */
  create(product: NewProduct): Promise<ProductView>;
  /** Undefined for an unknown or archived id; ValidationError for an unknown category slug. */
  update(id: string, changes: ProductChanges): Promise<ProductView | undefined>;
  /** Soft delete; false when there was no such product, or it was already archived. */
  archive(id: string): Promise<boolean>;
}

export interface ReserveRequest {
  orderId: string;
  lines: readonly RequestedLine[];
  /** How long the units stay held unless the order is confirmed or cancelled first. */
  ttlSeconds: number;
}

export interface ReserveResult {
  outcome: ReservationOutcome;
  /** True when the reservation was already recorded (a redelivery): nothing changed this time. */
  replayed: boolean;
}

/** A reservation's status before and after a confirmation or cancellation. */
export interface Transition {
  before: ReservationStatus | undefined;
  after: ReservationStatus | undefined;
}

export interface ExpiryNotices {
  published: number;
  /** Expired reservations still unannounced (the publish failed); the next sweep tries them again. */
  failed: number;
  /** Why the first failed announcement failed, for the log. */
  error?: unknown;
}

/**
 * Stock and reservations, each method one transaction. Every change of a reservation's status moves the
 * product counters with it, so available stock is exactly on hand minus the held reservations.
 */
export interface StockStore {
  /** Undefined for an unknown or archived product; ConflictError `stock-below-reserved` below what is held. */
  setOnHand(productId: string, onHand: number): Promise<StockLevel | undefined>;
  /**
   * Reserves every line or none, idempotent per order id: the first call decides and records the outcome
   * (held, or rejected with its shortages); every later call returns that recorded outcome.
   */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /** held → committed: on hand and reserved both drop by the quantities. Anything else is left as is. */
  commit(orderId: string): Promise<Transition>;
  /** held → released: the units become available again. Anything else is left as is. */
  release(orderId: string): Promise<Transition>;
  /**
   * Moves up to `limit` held reservations past their expiry to expired, skipping rows another replica is
   * working on, and returns their order ids.
   */
  expireDue(limit: number): Promise<string[]>;
  /**
   * Hands up to `limit` expired, unannounced reservations to `announce` and marks each one announced once
   * it resolves; stops at the first failure, leaving the rest for the next sweep.
   */
  announceExpiries(limit: number, announce: (orderId: string) => Promise<void>): Promise<ExpiryNotices>;
}
