import type { DataSource, EntityManager } from 'typeorm';
import { timelineDetail, type OrderEvent } from '../domain/order';
import { decodeOrderCursor, encodeOrderCursor } from '../domain/order-cursor';
import type { OrderDetail, OrderPage, OrderReadModel, OrderSummary, Projection } from '../ports';

const STATUS_BY_TYPE: Record<OrderEvent['type'], string> = {
  'order.placed.v1': 'placed',
  'order.stock-reserved.v1': 'stock-reserved',
  'order.stock-rejected.v1': 'stock-rejected',
  'order.payment-authorized.v1': 'payment-authorized',
  'order.payment-failed.v1': 'payment-failed',
  'order.confirmed.v1': 'confirmed',
  'order.cancelled.v1': 'cancelled',
  'order.shipped.v1': 'shipped',
};

interface ViewRow {
  id: string;
  customer_id: string;
  status: string;
  total_amount: string;
  currency: string;
  lines: Array<{ quantity: number }>;
  shipping_address: unknown;
  payment_brand: string;
  payment_last4: string;
  payment_id: string | null;
  cancel_reason: string | null;
  tracking_number: string | null;
  placed_at: Date;
  updated_at: Date;
}

function summary(r: ViewRow): OrderSummary {
  return {
    id: r.id,
    status: r.status,
    total: { amount: Number(r.total_amount), currency: r.currency },
    itemCount: r.lines.reduce((n, l) => n + l.quantity, 0),
    placedAt: r.placed_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export class SqlOrderReadModel implements OrderReadModel {
  constructor(private readonly ds: DataSource) {}

  async register(orderId: string, customerId: string): Promise<void> {
    await this.ds.query('INSERT INTO order_registry (order_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orderId, customerId]);
  }

  project(e: OrderEvent): Promise<Projection> {
    return this.ds.transaction((m) => this.projectIn(m, e));
  }

  async versionOf(orderId: string): Promise<number> {
    const [row] = await this.ds.query<Array<{ version: number }>>('SELECT version FROM order_view WHERE id = $1', [orderId]);
    return row?.version ?? 0;
  }

  async replace(orderId: string, events: readonly OrderEvent[]): Promise<void> {
    await this.ds.transaction(async (m) => {
      await lockOrder(m, orderId);
      await m.query('DELETE FROM order_view WHERE id = $1', [orderId]);
      await m.query('DELETE FROM order_timeline WHERE order_id = $1', [orderId]);
      for (const e of events) {
        const done = await this.projectIn(m, e);
        if (done.status === 'gap') throw new Error(`order ${orderId}: v${e.data.version} does not follow v${done.held} in its stream`);
      }
    });
  }

  async remove(orderId: string): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      await lockOrder(m, orderId);
      const [, timeline] = await m.query<[unknown, number]>('DELETE FROM order_timeline WHERE order_id = $1', [orderId]);
      const [, view] = await m.query<[unknown, number]>('DELETE FROM order_view WHERE id = $1', [orderId]);
      return timeline + view > 0;
    });
  }

  /**
   * Projects `e` if it follows the version held. The order is locked first, so projections of one order
   * (live deliveries, catch-ups, a rebuild's replace) run one after the other and see each other's work.
   */
  private async projectIn(m: EntityManager, e: OrderEvent): Promise<Projection> {
    const d = e.data;
    await lockOrder(m, d.orderId);
    const [row] = await m.query<Array<{ version: number }>>('SELECT version FROM order_view WHERE id = $1', [d.orderId]);
    const held = row?.version ?? 0;
    if (d.version > held + 1) return { status: 'gap', held };
    // Written for an event already held too: it fills a hole an earlier projector may have left.
    await m.query(
      `INSERT INTO order_timeline (order_id, version, type, occurred_at, detail) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [d.orderId, d.version, e.type, d.occurredAt, JSON.stringify(timelineDetail(e))],
    );
    const moved = e.type === 'order.placed.v1' ? await this.insertPlaced(m, e) : await this.advance(m, e);
    return { status: moved ? 'projected' : 'already-held' };
  }

  private async insertPlaced(m: EntityManager, e: OrderEvent): Promise<boolean> {
    const d = e.data as OrderEvent['data'] & {
      total: { amount: number; currency: string };
      lines: unknown[];
      shippingAddress: unknown;
      paymentMethod: { brand: string; last4: string };
    };
    const inserted = await m.query<unknown[]>(
      `INSERT INTO order_view (id, customer_id, status, version, total_amount, currency, lines, shipping_address,
         payment_brand, payment_last4, placed_at, updated_at)
       VALUES ($1, $2, 'placed', $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        d.orderId,
        d.customerId,
        d.version,
        d.total.amount,
        d.total.currency,
        JSON.stringify(d.lines),
        JSON.stringify(d.shippingAddress),
        d.paymentMethod.brand,
        d.paymentMethod.last4,
        d.occurredAt,
      ],
    );
    return inserted.length > 0;
  }

  /** A later event moves the status forward; an older or repeated one changes nothing (timeline aside). */
  private async advance(m: EntityManager, e: OrderEvent): Promise<boolean> {
    const d = e.data;
    const [, updated] = await m.query<[unknown, number]>(
      `UPDATE order_view SET status = $2, version = $3, updated_at = $4,
         payment_id = COALESCE($5, payment_id), cancel_reason = COALESCE($6, cancel_reason), tracking_number = COALESCE($7, tracking_number)
       WHERE id = $1 AND version < $3`,
      [
        d.orderId,
        STATUS_BY_TYPE[e.type],
        d.version,
        d.occurredAt,
        (d.paymentId as string) ?? null,
        e.type === 'order.cancelled.v1' ? d.reason : null,
        (d.trackingNumber as string) ?? null,
      ],
    );
    return updated > 0;
  }

  async get(orderId: string): Promise<OrderDetail | undefined> {
    const [row] = await this.ds.query<ViewRow[]>('SELECT * FROM order_view WHERE id = $1', [orderId]);
    if (!row) return undefined;
    const timeline = await this.ds.query<Array<{ version: number; type: string; occurred_at: Date; detail: Record<string, unknown> }>>(
      'SELECT version, type, occurred_at, detail FROM order_timeline WHERE order_id = $1 ORDER BY version',
      [orderId],
    );
    return {
      ...summary(row),
      customerId: row.customer_id,
      lines: row.lines,
      shippingAddress: row.shipping_address,
      payment: { brand: row.payment_brand, last4: row.payment_last4, paymentId: row.payment_id },
      cancelReason: row.cancel_reason,
      trackingNumber: row.tracking_number,
      timeline: timeline.map((t) => ({ version: t.version, type: t.type, at: t.occurred_at.toISOString(), detail: t.detail })),
    };
  }

  async list(filter: { customerId?: string; limit: number; cursor?: string }): Promise<OrderPage> {
    const after = filter.cursor ? decodeOrderCursor(filter.cursor) : undefined;
    const params: unknown[] = [filter.limit + 1];
    const where: string[] = [];
    if (filter.customerId) where.push(`customer_id = $${params.push(filter.customerId)}`);
    if (after) where.push(`(placed_at, id) < ($${params.push(after.placedAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows = await this.ds.query<ViewRow[]>(
      `SELECT * FROM order_view ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY placed_at DESC, id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, filter.limit).map(summary);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > filter.limit && last ? encodeOrderCursor({ placedAt: last.placedAt, id: last.id }) : null,
    };
  }

  async confirmedIds(limit: number): Promise<string[]> {
    const rows = await this.ds.query<Array<{ id: string }>>(
      `SELECT id FROM order_view WHERE status = 'confirmed' ORDER BY placed_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async unfinishedIds(before: Date, limit: number): Promise<string[]> {
    const rows = await this.ds.query<Array<{ id: string }>>(
      `SELECT id FROM (
         SELECT id, updated_at AS at FROM order_view
          WHERE status NOT IN ('shipped', 'cancelled') AND updated_at < $1 AND updated_at > $1::timestamptz - interval '1 day'
         UNION ALL
         SELECT r.order_id, r.registered_at FROM order_registry r LEFT JOIN order_view v ON v.id = r.order_id
          WHERE v.id IS NULL AND r.registered_at < $1 AND r.registered_at > $1::timestamptz - interval '1 day'
       ) stalled ORDER BY at LIMIT $2`,
      [before.toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }

  async knownIds(afterId: string | undefined, limit: number): Promise<string[]> {
    const rows = await this.ds.query<Array<{ id: string }>>(
      `SELECT id FROM (SELECT order_id AS id FROM order_registry UNION SELECT id FROM order_view) known
        WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
    return rows.map((r) => r.id);
  }
}

/** Serializes the projection work on one order (the two-key advisory lock space is separate from migrations'). */
async function lockOrder(m: EntityManager, orderId: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('order_view'), hashtext($1))`, [orderId]);
}
