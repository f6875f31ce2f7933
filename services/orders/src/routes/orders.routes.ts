import type { Context } from 'koa';
import { AppError, NotFoundError, ValidationError, requireIdentity, route, type Identity } from '@shop/kit';
import { fold, timelineDetail } from '../domain/order';
import type { OrderDetail, OrderEventStore, OrderReadModel } from '../ports';
import { checkout, type CheckoutDeps } from '../use-cases/place-order';
import { ordersHttp } from '@shop/contracts';

function idempotencyKey(ctx: Context): string {
  const key = ctx.get('idempotency-key');
  if (!key)
    throw new AppError({
      status: 400,
      code: 'idempotency-key-required',
      title: 'Idempotency-Key header required',
      detail: 'Send a unique Idempotency-Key with every checkout',
    });
  if (!ordersHttp.IDEMPOTENCY_KEY.test(key))
    throw new ValidationError([{ field: 'headers.idempotency-key', message: 'must be 1 to 128 printable ASCII characters' }]);
  return key;
}

/** An order as its owner (or an admin) may see it; anyone else learns nothing, not even that it exists. */
async function visibleOrder(deps: { readModel: OrderReadModel; events: OrderEventStore }, who: Identity, id: string): Promise<OrderDetail> {
  const view = (await deps.readModel.get(id)) ?? (await fromEvents(deps.events, id));
  if (!view || (who.role !== 'admin' && view.customerId !== who.sub)) throw new NotFoundError(`order ${id}`);
  return view;
}

/** Read-your-writes right after checkout, before the projection has caught up. */
async function fromEvents(events: OrderEventStore, id: string): Promise<OrderDetail | undefined> {
  const stream = await events.load(id);
  if (!stream) return undefined;
  const s = fold(stream.events);
  const p = s.placed;
  return {
    id,
    customerId: s.customerId,
    status: s.status,
    total: p.total,
    itemCount: p.lines.reduce((n, l) => n + l.quantity, 0),
    placedAt: p.occurredAt,
    updatedAt: stream.events[stream.events.length - 1]!.data.occurredAt,
    lines: p.lines,
    shippingAddress: p.shippingAddress,
    payment: { brand: p.paymentMethod.brand, last4: p.paymentMethod.last4, paymentId: s.paymentId ?? null },
    cancelReason: s.cancelReason ?? null,
    trackingNumber: s.trackingNumber ?? null,
    timeline: stream.events.map((e) => ({ version: e.data.version, type: e.type, at: e.data.occurredAt, detail: timelineDetail(e) })),
  };
}

export function orderRoutes(deps: CheckoutDeps) {
  return [
    route({
      method: 'POST',
      path: '/orders',
      summary: 'Check out the cart (requires Idempotency-Key): 202 with the order id; a replay returns the same order',
      body: ordersHttp.checkoutBody,
      access: 'customer',
      handle: async ({ body }, ctx) => {
        const identity = requireIdentity(ctx.state);
        const result = await checkout(deps, identity, idempotencyKey(ctx), body);
        ctx.status = 202;
        ctx.set('Location', `/orders/${result.orderId}`);
        if (!result.created) ctx.set('Idempotent-Replayed', 'true');
        return { orderId: result.orderId, status: result.status };
      },
    }),
    route({
      method: 'GET',
      path: '/orders',
      summary: "Order history, newest first: a customer's own; an admin's all (or one customer's)",
      query: ordersHttp.orderListQuery,
      access: 'customer',
      handle: async ({ query }, ctx) => {
        const who = requireIdentity(ctx.state);
        const customerId = who.role === 'admin' ? query.customerId : who.sub;
        return deps.readModel.list({
          limit: query.limit,
          ...(customerId ? { customerId } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
      },
    }),
    route({
      method: 'GET',
      path: '/orders/:id',
      summary: 'One order with its status timeline',
      params: ordersHttp.idParams,
      access: 'customer',
      handle: async ({ params }, ctx) => visibleOrder(deps, requireIdentity(ctx.state), params.id),
    }),
  ];
}
