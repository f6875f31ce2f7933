import type { DataSource, EntityManager } from 'typeorm';
import { timelineDetail, type OrderEvent } from '../domain/order';
import { decodeOrderCursor, encodeOrderCursor } from '../domain/order-cursor';
import type { OrderDetail, OrderPage, OrderReadModel, OrderSummary } from './read-model';

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

export class TypeOrmOrderReadModel implements OrderReadModel {
  constructor(private readonly ds: DataSource) {}

  async register(orderId: string, customerId: string): Promise<void> {
    await this.ds.query('INSERT INTO order_registry (order_id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [orderId, customerId]);
  }

  async project(e: OrderEvent): Promise<void> {
    await this.ds.transaction(async (m) => {
      const d = e.data;
      await m.query(
        `INSERT INTO order_timeline (order_id, version, type, occurred_at, detail) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [d.orderId, d.version, e.type, d.occurredAt, JSON.stringify(timelineDetail(e))],
      );
      if (e.type === 'order.placed.v1') await this.insertPlaced(m, e);
      else await this.advance(m, e);
    });
  }

  private async insertPlaced(m: EntityManager, e: OrderEvent): Promise<void> {
    const d = e.data as OrderEvent['data'] & {
      total: { amount: number; currency: string };
      lines: unknown[];
      shippingAddress: unknown;
      paymentMethod: { brand: string; last4: string };
    };
    await m.query(
      `INSERT INTO order_view (id, customer_id, status, version, total_amount, currency, lines, shipping_address,
         payment_brand, payment_last4, placed_at, updated_at)
       VALUES ($1, $2, 'placed', $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (id) DO NOTHING`,
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
  }

  /** Later events move the status forward; an older or repeated one changes nothing (timeline aside). */
  private async advance(m: EntityManager, e: OrderEvent): Promise<void> {
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
    if (updated === 0) {
      const exists = await m.query<unknown[]>('SELECT 1 FROM order_view WHERE id = $1', [d.orderId]);
      // Delivered before its order.placed.v1: fail so the delivery is retried once that has arrived.
      if (exists.length === 0) throw new Error(`order ${d.orderId} v${d.version} arrived before the order was projected`);
    }
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

  async registeredIds(afterId: string | undefined, limit: number): Promise<string[]> {
    const rows = await this.ds.query<Array<{ order_id: string }>>(
      `SELECT order_id FROM order_registry WHERE ($1::uuid IS NULL OR order_id > $1::uuid) ORDER BY order_id LIMIT $2`,
      [afterId ?? null, limit],
    );
    return rows.map((r) => r.order_id);
  }

  async clear(): Promise<void> {
    await this.ds.query('TRUNCATE order_timeline, order_view');
  }
}
