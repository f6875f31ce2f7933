import { EtagMismatchError, createLogger, type AppError } from '@shop/kit';
import type { CartLine } from '../../src/domain/checkout';
import type { OrderEvent } from '../../src/domain/order';
import type { IdempotencyRecord, OrderEventStore, OrderStream } from '../../src/ports';
import type { OrderReadModel } from '../../src/ports';
import { checkout, type CheckoutDeps } from '../../src/use-cases/place-order';

const customer = { sub: '0dfeb6db-385b-4f8c-94fc-d5a2ded8bc48', role: 'customer' as const };
const method = { token: 'pm_aaaaaaaaaaaaaaaaaaaaaaaa', brand: 'visa', last4: '4242' };
const body = { paymentMethod: method.token, shippingAddress: { name: 'A', line1: '1 Main', city: 'X', postalCode: '1', country: 'US' } };
const line: CartLine = {
  productId: '11111111-1111-4111-8111-111111111111',
  sku: 'SKU-1',
  name: 'Lamp',
  quantity: 1,
  unitPrice: { amount: 1500, currency: 'USD' },
  current: { unitPrice: { amount: 1500, currency: 'USD' }, available: 5 },
  priceChanged: false,
};

/**
 * Two requests with one Idempotency-Key, run step by step: the stores are shared, the cart is emptied by
 * whichever places the order first.
 */
function shop() {
  const streams = new Map<string, OrderStream>();
  const keys = new Map<string, IdempotencyRecord>();
  let cart: CartLine[] = [line];
  const events: OrderEventStore = {
    load: async (id) => streams.get(id),
    append: async (id, event: OrderEvent, expected) => {
      if (streams.has(id) !== Boolean(expected)) throw new EtagMismatchError('orderstore', id);
      streams.set(id, { events: [...(expected?.events ?? []), event], etag: String(Date.now()) });
    },
    republishLast: async () => undefined,
  };
  const deps: CheckoutDeps = {
    events,
    idempotency: {
      get: async (who, key) => keys.get(`${who}/${key}`),
      claim: async (who, key, record) => {
        if (keys.has(`${who}/${key}`)) throw new EtagMismatchError('orderstore', key);
        keys.set(`${who}/${key}`, record);
      },
    },
    readModel: { register: async () => undefined } as unknown as OrderReadModel,
    cart: {
      lines: async () => cart,
      clear: async () => void (cart = []),
    },
    paymentMethods: { get: async () => method },
    logger: createLogger({ service: 'test', level: 'error' }),
    now: () => new Date('2026-11-30T12:00:00Z'),
  };
  return { deps, streams };
}

describe('checkout with one Idempotency-Key', () => {
  it('when a request finds the cart emptied by another with the same key placing the order, then it answers that order, not 409', async () => {
    const { deps, streams } = shop();
    // The first request claims the key and finds no events yet; while it asks for the cart, a second
    // request with the same key places the order and empties the cart.
    const lines = deps.cart.lines.bind(deps.cart);
    let second: Promise<unknown> | undefined;
    deps.cart.lines = async (who) => {
      if (!second) {
        deps.cart.lines = lines;
        second = checkout(deps, customer, 'key-1', body);
        await second;
      }
      return lines(who);
    };
    const first = await checkout(deps, customer, 'key-1', body);
    expect(streams.size).toBe(1);
    expect(first).toEqual({ orderId: [...streams.keys()][0], status: 'placed', created: false });
  });

  it('when the cart is empty and no order was placed, then 409 cart-empty still', async () => {
    const { deps } = shop();
    await deps.cart.clear(customer);
    await expect(checkout(deps, customer, 'key-2', body)).rejects.toMatchObject({
      status: 409,
      code: 'cart-empty',
    } satisfies Partial<AppError>);
  });
});
