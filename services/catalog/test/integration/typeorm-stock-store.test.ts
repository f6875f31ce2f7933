// Stock and reservations against a real PostgreSQL: all-or-none reservations under heavy concurrency
// (two "replicas", i.e. two connection pools), idempotency per order id, commit, release and expiry.
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError, createLogger } from '@shop/kit';
import { StockRejected, StockReserved, type EventDef } from '@shop/contracts';
import { createTempDatabase, type TempDatabase } from '@shop/testkit';
import type { DataSource } from 'typeorm';
import type { ReservationOutcome } from '../../src/domain/stock';
import type { EventPublisher } from '../../src/ports';
import { orderPlacedHandler } from '../../src/events/order-placed.handler';
import { createDataSource, migrate } from '../../src/adapters/typeorm-data-source';
import { TypeOrmProductStore } from '../../src/adapters/typeorm-product-store';
import { TypeOrmStockStore } from '../../src/adapters/typeorm-stock-store';

const HOUR = 3600;
let db: TempDatabase;
let ds: DataSource;
let replica: DataSource;
let products: TypeOrmProductStore;
let stores: [TypeOrmStockStore, TypeOrmStockStore];
const stock = () => stores[0];

beforeAll(async () => {
  db = await createTempDatabase('catalog_stock');
  ds = await createDataSource(db.url, { poolSize: 20 }).initialize();
  replica = await createDataSource(db.url, { poolSize: 20 }).initialize();
  await migrate(ds);
  await ds.query(`INSERT INTO category (id, slug, name, path) VALUES (gen_random_uuid(), 'things', 'Things', 'things')`);
  products = new TypeOrmProductStore(ds);
  stores = [new TypeOrmStockStore(ds), new TypeOrmStockStore(replica)];
});

afterAll(async () => {
  if (replica?.isInitialized) await replica.destroy();
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

async function newProduct(onHand: number): Promise<string> {
  const sku = `T-${randomUUID().slice(0, 8)}`;
  const view = await products.create({
    sku,
    name: `Thing ${sku}`,
    description: '',
    categorySlug: 'things',
    price: { amount: 999, currency: 'EUR' },
    stock: onHand,
  });
  return view.id;
}

async function counters(productId: string): Promise<{ onHand: number; reserved: number; available: number; heldInLines: number }> {
  const [row] = await ds.query<{ on_hand: number; reserved: number; held: number }[]>(
    `SELECT p.on_hand, p.reserved,
       (SELECT coalesce(sum(l.quantity), 0)::int FROM stock_reservation_line l JOIN stock_reservation r USING (order_id)
        WHERE l.product_id = p.id AND r.status = 'held') AS held
     FROM product p WHERE p.id = $1`,
    [productId],
  );
  return { onHand: row!.on_hand, reserved: row!.reserved, available: row!.on_hand - row!.reserved, heldInLines: row!.held };
}

async function status(orderId: string): Promise<string | undefined> {
  const [row] = await ds.query<{ status: string }[]>('SELECT status FROM stock_reservation WHERE order_id = $1', [orderId]);
  return row?.status;
}

const reserve = (orderId: string, lines: { productId: string; quantity: number }[], ttlSeconds = HOUR, store = stock()) =>
  store.reserve({ orderId, lines, ttlSeconds });

describe('reserve under concurrency', () => {
  it('when 50 orders of 1 unit race for 10 on hand, then exactly 10 are held, 40 rejected, and available never goes below 0', async () => {
    const productId = await newProduct(10);
    let lowest = Infinity;
    let racing = true;
    // Watches available stock from outside while the race runs.
    const watcher = (async () => {
      while (racing) {
        lowest = Math.min(lowest, (await counters(productId)).available);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => reserve(randomUUID(), [{ productId, quantity: 1 }], HOUR, stores[i % 2])),
    );
    racing = false;
    await watcher;

    const reserved = results.filter((r) => r.outcome.kind === 'reserved');
    const rejected = results
      .map((r) => r.outcome)
      .filter((o): o is Extract<ReservationOutcome, { kind: 'rejected' }> => o.kind === 'rejected');
    expect(reserved).toHaveLength(10);
    expect(rejected).toHaveLength(40);
    expect(rejected.every((o) => o.reason === 'out-of-stock' && o.shortages[0]?.available === 0)).toBe(true);
    expect(await counters(productId)).toEqual({ onHand: 10, reserved: 10, available: 0, heldInLines: 10 });
    expect(lowest).toBeGreaterThanOrEqual(0);
  });

  it('when orders for the same two products list them in opposite orders, then none deadlocks and neither product is oversold', async () => {
    const [p1, p2] = [await newProduct(15), await newProduct(25)];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const lines = [
          { productId: p1, quantity: 1 },
          { productId: p2, quantity: 1 },
        ];
        return reserve(randomUUID(), i % 2 ? lines : lines.reverse(), HOUR, stores[i % 2]);
      }),
    );
    expect(results.filter((r) => r.outcome.kind === 'reserved')).toHaveLength(15);
    expect(await counters(p1)).toEqual({ onHand: 15, reserved: 15, available: 0, heldInLines: 15 });
    // All or none: the 25 rejected orders took nothing from p2 either.
    expect(await counters(p2)).toEqual({ onHand: 25, reserved: 15, available: 10, heldInLines: 15 });
  });

  it('when one order id is reserved 5 times at once, then there is one reservation and every call sees its outcome', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => reserve(orderId, [{ productId, quantity: 3 }], HOUR, stores[i % 2])),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const first = results.find((r) => !r.replayed)!.outcome;
    expect(first).toMatchObject({ kind: 'reserved', orderId, lines: [{ productId, quantity: 3 }] });
    for (const r of results) expect(r.outcome).toEqual(first);
    expect(await counters(productId)).toEqual({ onHand: 10, reserved: 3, available: 7, heldInLines: 3 });
    expect(await ds.query('SELECT order_id FROM stock_reservation WHERE order_id = $1', [orderId])).toHaveLength(1);
  });

  it('when one order for an unknown product is reserved 5 times at once, then one rejection is recorded', async () => {
    const orderId = randomUUID();
    const unknown = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => reserve(orderId, [{ productId: unknown, quantity: 1 }])));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) {
      expect(r.outcome).toEqual({
        kind: 'rejected',
        orderId,
        reason: 'unknown-product',
        shortages: [{ productId: unknown, requested: 1, available: 0 }],
      });
    }
    expect(await status(orderId)).toBe('rejected');
  });

  it('when a line is short, then the other lines are not reserved either', async () => {
    const [plenty, scarce] = [await newProduct(50), await newProduct(1)];
    const orderId = randomUUID();
    const { outcome } = await reserve(orderId, [
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 2 },
    ]);
    expect(outcome).toEqual({
      kind: 'rejected',
      orderId,
      reason: 'out-of-stock',
      shortages: [{ productId: scarce, requested: 2, available: 1 }],
    });
    expect(await counters(plenty)).toMatchObject({ reserved: 0, available: 50 });
    expect(await ds.query('SELECT 1 FROM stock_reservation_line WHERE order_id = $1', [orderId])).toHaveLength(0);
  });

  it('when a product is archived, then it cannot be reserved', async () => {
    const productId = await newProduct(5);
    expect(await products.archive(productId)).toBe(true);
    const { outcome } = await reserve(randomUUID(), [{ productId, quantity: 1 }]);
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'unknown-product' });
  });
});

describe('commit and release', () => {
  it('when an order is committed twice at once, then on hand drops once and available does not change again', async () => {
    const productId = await newProduct(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId, quantity: 3 }]);
    const transitions = await Promise.all([stores[0].commit(orderId), stores[1].commit(orderId)]);
    expect(transitions).toEqual(
      expect.arrayContaining([
        { before: 'held', after: 'committed' },
        { before: 'committed', after: 'committed' },
      ]),
    );
    expect(await counters(productId)).toEqual({ onHand: 7, reserved: 0, available: 7, heldInLines: 0 });
    expect(await stock().commit(orderId)).toEqual({ before: 'committed', after: 'committed' });
    expect(await counters(productId)).toMatchObject({ onHand: 7, available: 7 });
    // A committed order is not released by a late cancellation.
    expect(await stock().release(orderId)).toEqual({ before: 'committed', after: 'committed' });
    expect(await counters(productId)).toMatchObject({ onHand: 7, reserved: 0 });
  });

  it('when an order is released, then its units are available again, and a later confirmation decrements nothing', async () => {
    const productId = await newProduct(4);
    const orderId = randomUUID();
    await reserve(orderId, [{ productId, quantity: 4 }]);
    expect(await counters(productId)).toMatchObject({ available: 0 });
    expect(await stock().release(orderId)).toEqual({ before: 'held', after: 'released' });
    expect(await counters(productId)).toEqual({ onHand: 4, reserved: 0, available: 4, heldInLines: 0 });
    expect(await stock().release(orderId)).toEqual({ before: 'released', after: 'released' });
    expect(await stock().commit(orderId)).toEqual({ before: 'released', after: 'released' });
    expect(await counters(productId)).toEqual({ onHand: 4, reserved: 0, available: 4, heldInLines: 0 });
  });

  it('when there is no reservation for the order, then commit and release change nothing', async () => {
    const orderId = randomUUID();
    expect(await stock().commit(orderId)).toEqual({ before: undefined, after: undefined });
    expect(await stock().release(orderId)).toEqual({ before: undefined, after: undefined });
    expect(await status(orderId)).toBeUndefined();
  });
});

describe('expiry sweep', () => {
  it('when the sweep runs, then only held reservations past their expiry expire, and each is announced once', async () => {
    const productId = await newProduct(10);
    const [due, fresh, committedDue] = [randomUUID(), randomUUID(), randomUUID()];
    await reserve(due, [{ productId, quantity: 2 }], 1);
    await reserve(fresh, [{ productId, quantity: 3 }], HOUR);
    await reserve(committedDue, [{ productId, quantity: 1 }], 1);
    await stock().commit(committedDue);
    await new Promise((r) => setTimeout(r, 1_100));

    const swept = await Promise.all([stores[0].expireDue(100), stores[1].expireDue(100)]);
    expect(swept.flat()).toEqual([due]);
    expect([await status(due), await status(fresh), await status(committedDue)]).toEqual(['expired', 'held', 'committed']);
    expect(await counters(productId)).toEqual({ onHand: 9, reserved: 3, available: 6, heldInLines: 3 });
    // A confirmation that comes too late takes nothing off on hand.
    expect(await stock().commit(due)).toEqual({ before: 'expired', after: 'expired' });
    expect(await counters(productId)).toMatchObject({ onHand: 9, reserved: 3 });

    const failing = await stock().announceExpiries(100, () => Promise.reject(new Error('sidecar down')));
    expect(failing).toMatchObject({ published: 0, failed: 1 });
    const announced: string[] = [];
    const notices = await Promise.all(stores.map((s) => s.announceExpiries(100, async (id) => void announced.push(id))));
    expect(announced).toEqual([due]);
    expect(notices.map((n) => n.published).sort()).toEqual([0, 1]);
    expect(await stock().announceExpiries(100, async (id) => void announced.push(id))).toEqual({ published: 0, failed: 0 });
    expect(announced).toEqual([due]);
  });
});

describe('setOnHand', () => {
  it('when on hand is set below what is held, then it is a conflict and nothing changes; at or above, it is set', async () => {
    const productId = await newProduct(10);
    await reserve(randomUUID(), [{ productId, quantity: 6 }]);
    await expect(stock().setOnHand(productId, 5)).rejects.toMatchObject({ status: 409, code: 'stock-below-reserved' });
    await expect(stock().setOnHand(productId, 5)).rejects.toBeInstanceOf(ConflictError);
    expect(await counters(productId)).toMatchObject({ onHand: 10, reserved: 6 });
    expect(await stock().setOnHand(productId, 6)).toEqual({ productId, onHand: 6, reserved: 6, available: 0 });
    expect(await stock().setOnHand(productId, 20)).toEqual({ productId, onHand: 20, reserved: 6, available: 14 });
    expect((await products.getById(productId))?.stock).toEqual({ available: 14 });
  });

  it('when the product is unknown or archived, then there is nothing to set', async () => {
    const productId = await newProduct(1);
    await products.archive(productId);
    await expect(stock().setOnHand(productId, 3)).resolves.toBeUndefined();
    await expect(stock().setOnHand(randomUUID(), 3)).resolves.toBeUndefined();
  });
});

describe('product management', () => {
  it('when a product is created, changed and archived, then reads follow, and it leaves search', async () => {
    const sku = `M-${randomUUID().slice(0, 8)}`;
    const created = await products.create({
      sku,
      name: 'Mug',
      description: 'A mug',
      categorySlug: 'things',
      price: { amount: 1200, currency: 'EUR' },
      stock: 3,
    });
    expect(created).toMatchObject({ sku, name: 'Mug', price: { amount: 1200, currency: 'EUR' }, stock: { available: 3 }, inStock: true });
    await expect(
      products.create({ sku, name: 'Other', description: '', categorySlug: 'things', price: { amount: 1, currency: 'EUR' }, stock: 0 }),
    ).rejects.toMatchObject({ status: 409, code: 'duplicate-sku' });
    await expect(
      products.create({
        sku: `${sku}-x`,
        name: 'X',
        description: '',
        categorySlug: 'nope',
        price: { amount: 1, currency: 'EUR' },
        stock: 0,
      }),
    ).rejects.toBeInstanceOf(ValidationError);

    const changed = await products.update(created.id, { name: 'Big mug', price: { amount: 1500, currency: 'USD' } });
    expect(changed).toMatchObject({ name: 'Big mug', description: 'A mug', price: { amount: 1500, currency: 'USD' } });
    expect((await products.search({ q: 'big mug', limit: 10 })).items.map((i) => i.id)).toContain(created.id);

    expect(await products.archive(created.id)).toBe(true);
    expect(await products.archive(created.id)).toBe(false);
    expect(await products.getById(created.id)).toBeUndefined();
    expect(await products.update(created.id, { name: 'Ghost' })).toBeUndefined();
    expect((await products.search({ q: 'big mug', limit: 10 })).items.map((i) => i.id)).not.toContain(created.id);
  });

  it('when every unit is held, then the product is out of stock in search and its view', async () => {
    const productId = await newProduct(2);
    await reserve(randomUUID(), [{ productId, quantity: 2 }]);
    expect(await products.getById(productId)).toMatchObject({ stock: { available: 0 }, inStock: false });
    const soldOut = await products.search({ category: 'things', inStock: false, limit: 100 });
    expect(soldOut.items.map((i) => i.id)).toContain(productId);
    const inStock = await products.search({ category: 'things', inStock: true, limit: 100 });
    expect(inStock.items.map((i) => i.id)).not.toContain(productId);
  });
});

describe('order.placed handler with a real store', () => {
  const logger = createLogger({ service: 'catalog-test', level: 'error' });

  it('when the publish fails, then the handler throws; the redelivery re-publishes the recorded outcome without reserving twice', async () => {
    const productId = await newProduct(5);
    const published: { type: string; data: unknown }[] = [];
    let failNext = true;
    const events: EventPublisher = {
      publish: async (event: EventDef, data: unknown) => {
        if (failNext) {
          failNext = false;
          throw new Error('sidecar unavailable');
        }
        published.push({ type: event.type, data });
      },
    };
    const handler = orderPlacedHandler({ stock: stock(), events, logger, reservationTtlSeconds: HOUR });
    const orderId = randomUUID();
    const data = {
      orderId,
      lines: [{ productId, sku: 'T', name: 'Thing', quantity: 2, unitPrice: { amount: 999, currency: 'EUR' } }],
    } as never;

    await expect(handler.handle(data, {} as never)).rejects.toThrow('sidecar unavailable');
    expect(await counters(productId)).toMatchObject({ reserved: 2 });
    await handler.handle(data, {} as never);
    await handler.handle(data, {} as never);
    expect(await counters(productId)).toMatchObject({ reserved: 2, available: 3 });
    expect(published).toHaveLength(2);
    expect(published[0]).toEqual(published[1]);
    expect(published[0]).toMatchObject({ type: StockReserved.type, data: { orderId, lines: [{ productId, quantity: 2 }] } });
  });

  it('when stock is short, then stock.rejected.v1 is published with the shortages', async () => {
    const productId = await newProduct(1);
    const published: { type: string; data: unknown }[] = [];
    const events: EventPublisher = { publish: async (event: EventDef, data: unknown) => void published.push({ type: event.type, data }) };
    const handler = orderPlacedHandler({ stock: stock(), events, logger, reservationTtlSeconds: HOUR });
    const orderId = randomUUID();
    const data = {
      orderId,
      lines: [{ productId, sku: 'T', name: 'Thing', quantity: 3, unitPrice: { amount: 1, currency: 'EUR' } }],
    } as never;
    await handler.handle(data, {} as never);
    expect(published).toEqual([
      { type: StockRejected.type, data: { orderId, reason: 'out-of-stock', shortages: [{ productId, requested: 3, available: 1 }] } },
    ]);
  });
});
