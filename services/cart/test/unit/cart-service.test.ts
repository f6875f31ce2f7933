// The cart's use cases with in-memory fakes, counting the catalog calls each one makes: a view asks the
// catalog once for all its lines, whatever their number, and still answers when the catalog does not.
import { randomUUID } from 'node:crypto';
import type { Cart, ProductSnapshot } from '../../src/domain/cart';
import { CartService } from '../../src/use-cases/cart-service';
import { FakeCatalog, InMemoryCartStore, memoryLogger, product } from '../fakes/in-memory';

const WARNING = 'catalog look-up failed; showing the lines without current data';
const noRetryWait = { maxAttempts: 5, backoffMs: () => 0, sleep: async () => {} };

/** A stored cart holding one line per product, each at its current catalog price. */
const cartOf = (...products: ProductSnapshot[]): Cart => ({
  items: products.map((p) => ({ productId: p.productId, sku: p.sku, name: p.name, quantity: 1, unitPrice: { ...p.unitPrice } })),
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('CartService and the catalog', () => {
  const [A, B, C, D] = [1_999, 500, 250, 4_000].map((amount) =>
    product({ productId: randomUUID(), unitPrice: { amount, currency: 'USD' } }),
  );
  let store: InMemoryCartStore;
  let catalog: FakeCatalog;
  let log: ReturnType<typeof memoryLogger>;
  let carts: CartService;
  const customer = randomUUID();

  beforeEach(async () => {
    store = new InMemoryCartStore();
    catalog = new FakeCatalog([A!, B!, C!, D!]);
    log = memoryLogger();
    carts = new CartService({ store, catalog, logger: log.logger, retry: noRetryWait });
    await store.insert(customer, cartOf(A!, B!, C!));
  });

  it('when a 3-line cart is viewed, then the catalog is called once, for all three lines', async () => {
    const view = await carts.view(customer);
    expect(catalog.calls).toBe(1);
    expect(catalog.batches).toEqual([[A!.productId, B!.productId, C!.productId]]);
    expect(view.items.map((l) => l.current?.unitPrice.amount)).toEqual([1_999, 500, 250]);
  });

  it('when a product is put into a 3-line cart, then two calls: the product itself, then one for the other lines', async () => {
    const view = await carts.setItem(customer, D!.productId, 2);
    expect(catalog.calls).toBe(2);
    expect(catalog.batches).toEqual([[A!.productId, B!.productId, C!.productId]]);
    expect(view.items.map((l) => [l.productId, l.current !== null])).toEqual([
      [A!.productId, true],
      [B!.productId, true],
      [C!.productId, true],
      [D!.productId, true],
    ]);
  });

  it('when a line is removed, then one call for the lines left; when the last goes, no call at all', async () => {
    await carts.removeItem(customer, A!.productId);
    expect(catalog.batches).toEqual([[B!.productId, C!.productId]]);
    await carts.removeItem(customer, B!.productId);
    await carts.removeItem(customer, C!.productId);
    expect(catalog.batches).toEqual([[B!.productId, C!.productId], [C!.productId]]);
    expect(await carts.view(customer)).toMatchObject({ items: [], itemCount: 0 });
    expect(catalog.calls).toBe(2);
  });

  it('when the catalog fails, then every line is shown from its snapshot and one warning is logged', async () => {
    catalog.failing.add(B!.productId);
    const view = await carts.view(customer);
    expect(catalog.calls).toBe(1);
    expect(view.items.map((l) => [l.productId, l.current, l.priceChanged, l.insufficientStock])).toEqual([
      [A!.productId, null, false, false],
      [B!.productId, null, false, false],
      [C!.productId, null, false, false],
    ]);
    expect(view.subtotal).toEqual({ amount: 1_999 + 500 + 250, currency: 'USD' });
    const warnings = log.lines().filter((l) => l.message === WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ 'log.level': 'warn', 'product.ids': [A!.productId, B!.productId, C!.productId] });
  });

  it('when the catalog fails while a product is put, then the put product keeps its fresh data and the others their snapshots', async () => {
    catalog.failing.add(A!.productId);
    const view = await carts.setItem(customer, D!.productId, 1);
    expect(view.items.map((l) => l.current === null)).toEqual([true, true, true, false]);
    expect(log.lines().filter((l) => l.message === WARNING)).toHaveLength(1);
  });

  it('when the catalog no longer has one product, then only that line lacks current data, and nothing is logged', async () => {
    catalog.products.delete(B!.productId);
    catalog.products.set(C!.productId, { ...C!, unitPrice: { amount: 300, currency: 'USD' }, available: 0 });
    const view = await carts.view(customer);
    expect(view.items.map((l) => [l.current?.unitPrice.amount ?? null, l.priceChanged, l.insufficientStock])).toEqual([
      [1_999, false, false],
      [null, false, false],
      [300, true, true],
    ]);
    expect(log.lines().filter((l) => l.message === WARNING)).toEqual([]);
  });
});
