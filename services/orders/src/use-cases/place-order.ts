import { randomUUID } from 'node:crypto';
import { AppError, EtagMismatchError, type Identity, type Logger } from '@shop/kit';
import { placeOrder, requestHash, type CheckoutRequest } from '../domain/checkout';
import { fold, stamp } from '../domain/order';
import type { IdempotencyRecord, IdempotencyStore, OrderEventStore } from '../ports';
import type { OrderReadModel } from '../ports';
import type { CartClient, PaymentMethods } from '../ports';

export interface CheckoutDeps {
  events: OrderEventStore;
  idempotency: IdempotencyStore;
  readModel: OrderReadModel;
  cart: CartClient;
  paymentMethods: PaymentMethods;
  logger: Logger;
  now: () => Date;
}

export interface CheckoutResult {
  orderId: string;
  status: string;
  /** False when this request replayed an earlier one with the same Idempotency-Key. */
  created: boolean;
}

/**
 * POST /orders. The Idempotency-Key is claimed (insert-if-absent) before anything else, with the order id
 * this request will use, so a replay — even one racing the original, or following a crash half-way —
 * lands on the same order and never creates a second one.
 */
export async function checkout(deps: CheckoutDeps, identity: Identity, key: string, body: CheckoutRequest): Promise<CheckoutResult> {
  const hash = requestHash(body);
  const claim: IdempotencyRecord = { orderId: randomUUID(), requestHash: hash, createdAt: deps.now().toISOString() };
  let record = claim;
  try {
    await deps.idempotency.claim(identity.sub, key, claim);
  } catch (e) {
    if (!(e instanceof EtagMismatchError)) throw e;
    record = (await deps.idempotency.get(identity.sub, key)) ?? claim;
  }
  if (record.requestHash !== hash) {
    throw new AppError({
      status: 422,
      code: 'idempotency-key-reused',
      title: 'Idempotency-Key reused with a different request',
      detail: 'Use a new Idempotency-Key for a different checkout',
    });
  }
  const existing = await deps.events.load(record.orderId);
  if (existing) return replayed(record.orderId, existing.events);
  try {
    await place(deps, identity, record.orderId, body);
  } catch (e) {
    // A request with the same key may have placed the order meanwhile — and emptied the cart this one
    // then found empty. The order exists: that is the answer to a replay, not the error.
    const placed = await deps.events.load(record.orderId);
    if (!placed) throw e;
    return replayed(record.orderId, placed.events);
  }
  return { orderId: record.orderId, status: 'placed', created: record === claim };
}

const replayed = (orderId: string, events: Parameters<typeof fold>[0]): CheckoutResult => ({
  orderId,
  status: fold(events).status,
  created: false,
});

async function place(deps: CheckoutDeps, identity: Identity, orderId: string, body: CheckoutRequest): Promise<void> {
  const [lines, method] = await Promise.all([deps.cart.lines(identity), deps.paymentMethods.get(identity, body.paymentMethod)]);
  if (!method) {
    throw new AppError({
      status: 422,
      code: 'invalid-payment-method',
      title: 'Unknown payment method',
      detail: 'paymentMethod is not one of your saved payment methods',
      errors: [{ field: 'body.paymentMethod', message: 'is not one of your payment methods' }],
    });
  }
  const change = placeOrder(lines, method, body);
  // Registered first: the rebuild of the read model walks this registry; an id without events is skipped.
  await deps.readModel.register(orderId, identity.sub);
  // Losing the race to the append (EtagMismatchError) to a request with the same key is handled by checkout().
  await deps.events.append(orderId, stamp(change, orderId, identity.sub, 1, deps.now()), undefined);
  deps.logger.info('order placed', {
    'order.id': orderId,
    'order.lines': change.type === 'order.placed.v1' ? change.data.lines.length : 0,
  });
  await deps.cart
    .clear(identity)
    .catch((err: unknown) => deps.logger.warn('cart not cleared after checkout', { 'order.id': orderId, err }));
}
