import type { RequestedLine, ReservationOutcome, ReservationStatus, StockLevel } from '../domain/stock';

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
