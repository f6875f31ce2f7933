import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../domain/cursor';
import {
  availableStock,
  canonicalUuid,
  checkOnHand,
  decideReservation,
  mergeLines,
  stockLevel,
  type RequestedLine,
  type ReservationOutcome,
  type ReservationStatus,
  type StockLevel,
} from '../domain/stock';
import type { ExpiryNotices, ReserveRequest, ReserveResult, StockStore, Transition } from '../ports';

// Concurrency, in one place:
// - Every transaction that changes a product's counters first locks the products it touches with
//   SELECT … ORDER BY id FOR UPDATE. One global lock order means concurrent reservations queue instead
//   of deadlocking, and each one decides on the counters as the previous one committed them.
// - A reservation row is locked (FOR UPDATE) before the products, by commit, release and the sweep; the
//   sweep SKIPs rows locked by someone else, so replicas sweeping at once split the work.
// - product_reserved_check (0 <= reserved <= on_hand) is the last line of defence: even a bug here
//   cannot make available stock negative; it would fail the transaction instead.

interface LockedProduct {
  id: string;
  on_hand: number;
  reserved: number;
}

export class TypeOrmStockStore implements StockStore {
  constructor(private readonly ds: DataSource) {}

  async setOnHand(productId: string, onHand: number): Promise<StockLevel | undefined> {
    if (!isUuid(productId)) return undefined;
    return this.ds.transaction(async (m) => {
      const [product] = await this.lockProducts(m, [productId], { reservableOnly: true });
      if (!product) return undefined;
      checkOnHand(onHand, product.reserved);
      await m.query('UPDATE product SET on_hand = $2 WHERE id = $1', [productId, onHand]);
      return stockLevel(product.id, onHand, product.reserved);
    });
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const orderId = canonicalUuid(request.orderId);
    const lines = mergeLines(request.lines);
    return this.ds.transaction(async (m) => {
      // The reservation row is the idempotency record: a redelivery finds it and changes nothing.
      const recorded = await this.recordedOutcome(m, orderId);
      if (recorded) return { outcome: recorded, replayed: true };

      const products = await this.lockProducts(
        m,
        lines.map((l) => l.productId),
        { reservableOnly: true },
      );
      const available = new Map(products.map((p) => [p.id, availableStock(p.on_hand, p.reserved)]));
      const decision = decideReservation(lines, available);

      // Two deliveries of one order can both get here (the second waited for the first's locks, or
      // neither took any); the primary key lets exactly one insert, and the other adopts its outcome.
      let outcome: ReservationOutcome;
      if (decision.kind === 'reserve') {
        // The database clock, not this replica's: the sweep compares against the same clock.
        const [row] = await m.query<{ expires_at: Date }[]>(
          `SELECT date_trunc('milliseconds', now() + make_interval(secs => $1)) AS expires_at`,
          [request.ttlSeconds],
        );
        const expiresAt = row!.expires_at;
        outcome = { kind: 'reserved', orderId, lines: decision.lines, expiresAt: expiresAt.toISOString() };
        if (!(await this.insertReservation(m, outcome, 'held', expiresAt))) return this.adoptRecorded(m, orderId);
        await m.query(
          `INSERT INTO stock_reservation_line (order_id, product_id, quantity)
           SELECT $1, l.product_id, l.quantity FROM unnest($2::uuid[], $3::int[]) AS l(product_id, quantity)`,
          [orderId, decision.lines.map((l) => l.productId), decision.lines.map((l) => l.quantity)],
        );
        await this.moveCounters(m, decision.lines, { reserved: +1, onHand: 0 });
      } else {
        outcome = { kind: 'rejected', orderId, reason: decision.reason, shortages: decision.shortages };
        if (!(await this.insertReservation(m, outcome, 'rejected', null))) return this.adoptRecorded(m, orderId);
      }
      return { outcome, replayed: false };
    });
  }

  commit(orderId: string): Promise<Transition> {
    // Committed units leave the warehouse: on hand and reserved drop together, so available stays put.
    return this.settle(orderId, 'committed', { reserved: -1, onHand: -1 });
  }

  release(orderId: string): Promise<Transition> {
    return this.settle(orderId, 'released', { reserved: -1, onHand: 0 });
  }

  async expireDue(limit: number): Promise<string[]> {
    return this.ds.transaction(async (m) => {
      const due = await m.query<{ order_id: string }[]>(
        `SELECT order_id FROM stock_reservation
         WHERE status = 'held' AND expires_at <= now()
         ORDER BY expires_at LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const orderIds = due.map((r) => r.order_id);
      if (orderIds.length === 0) return [];
      const lines = await m.query<{ product_id: string; quantity: number }[]>(
        `SELECT product_id, sum(quantity)::int AS quantity FROM stock_reservation_line
         WHERE order_id = ANY($1::uuid[]) GROUP BY product_id`,
        [orderIds],
      );
      await this.lockProducts(
        m,
        lines.map((l) => l.product_id),
        { reservableOnly: false },
      );
      await this.moveCounters(
        m,
        lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
        { reserved: -1, onHand: 0 },
      );
      await m.query(
        `UPDATE stock_reservation SET status = 'expired', expiry_published = false, updated_at = now()
         WHERE order_id = ANY($1::uuid[])`,
        [orderIds],
      );
      return orderIds;
    });
  }

  async announceExpiries(limit: number, announce: (orderId: string) => Promise<void>): Promise<ExpiryNotices> {
    // The rows stay locked while they are announced (a publish to the local sidecar, bounded by its
    // timeout), so two replicas sweeping at once do not both announce the same expiry.
    return this.ds.transaction(async (m) => {
      const pending = await m.query<{ order_id: string }[]>(
        `SELECT order_id FROM stock_reservation
         WHERE status = 'expired' AND NOT expiry_published
         ORDER BY updated_at LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      let published = 0;
      for (const { order_id } of pending) {
        try {
          await announce(order_id);
        } catch (error) {
          // The sidecar is likely down: the rest would fail the same way. The next sweep retries them.
          return { published, failed: pending.length - published, error };
        }
        await m.query('UPDATE stock_reservation SET expiry_published = true WHERE order_id = $1', [order_id]);
        published += 1;
      }
      return { published, failed: 0 };
    });
  }

  private async settle(
    orderId: string,
    to: Extract<ReservationStatus, 'committed' | 'released'>,
    delta: { reserved: -1; onHand: -1 | 0 },
  ): Promise<Transition> {
    if (!isUuid(orderId)) return { before: undefined, after: undefined };
    return this.ds.transaction(async (m) => {
      const [row] = await m.query<{ status: ReservationStatus }[]>('SELECT status FROM stock_reservation WHERE order_id = $1 FOR UPDATE', [
        orderId,
      ]);
      if (!row) return { before: undefined, after: undefined };
      // Only a held reservation moves; every other state is final for these events (see domain/stock).
      if (row.status !== 'held') return { before: row.status, after: row.status };
      const lines = await m.query<{ product_id: string; quantity: number }[]>(
        'SELECT product_id, quantity FROM stock_reservation_line WHERE order_id = $1',
        [orderId],
      );
      await this.lockProducts(
        m,
        lines.map((l) => l.product_id),
        { reservableOnly: false },
      );
      await this.moveCounters(
        m,
        lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
        delta,
      );
      await m.query('UPDATE stock_reservation SET status = $2, updated_at = now() WHERE order_id = $1', [orderId, to]);
      return { before: 'held', after: to };
    });
  }

  /**
   * Locks products in id order. With `reservableOnly`, archived products are left out (they count as
   * unknown); products that reservations already hold are locked whatever their state.
   */
  private lockProducts(m: EntityManager, ids: string[], options: { reservableOnly: boolean }): Promise<LockedProduct[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return m.query<LockedProduct[]>(
      `SELECT id, on_hand, reserved FROM product
       WHERE id = ANY($1::uuid[]) ${options.reservableOnly ? 'AND archived_at IS NULL' : ''}
       ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  /** Adds sign × quantity to the counters of each line's product (its row already locked). */
  private async moveCounters(m: EntityManager, lines: readonly RequestedLine[], sign: { reserved: number; onHand: number }): Promise<void> {
    if (lines.length === 0) return;
    await m.query(
      `UPDATE product p
       SET reserved = p.reserved + $3 * l.quantity, on_hand = p.on_hand + $4 * l.quantity
       FROM unnest($1::uuid[], $2::int[]) AS l(id, quantity)
       WHERE p.id = l.id`,
      [lines.map((l) => l.productId), lines.map((l) => l.quantity), sign.reserved, sign.onHand],
    );
  }

  /** Inserts the reservation unless one exists for the order; false when another delivery got there first. */
  private async insertReservation(
    m: EntityManager,
    outcome: ReservationOutcome,
    status: 'held' | 'rejected',
    expiresAt: Date | null,
  ): Promise<boolean> {
    const rows = await m.query<{ order_id: string }[]>(
      `INSERT INTO stock_reservation (order_id, status, expires_at, outcome)
       VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
      [outcome.orderId, status, expiresAt, JSON.stringify(outcome)],
    );
    return rows.length === 1;
  }

  private async recordedOutcome(m: EntityManager, orderId: string): Promise<ReservationOutcome | undefined> {
    const [row] = await m.query<{ outcome: ReservationOutcome }[]>('SELECT outcome FROM stock_reservation WHERE order_id = $1', [orderId]);
    return row?.outcome;
  }

  private async adoptRecorded(m: EntityManager, orderId: string): Promise<ReserveResult> {
    // A new statement sees the winner's committed row (READ COMMITTED); this transaction wrote nothing.
    const outcome = await this.recordedOutcome(m, orderId);
    if (!outcome) throw new Error(`reservation of order ${orderId} conflicted but cannot be read`);
    return { outcome, replayed: true };
  }
}
