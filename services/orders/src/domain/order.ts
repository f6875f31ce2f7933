// The order aggregate: its events, the state they fold into, and the decisions that produce new
// events. Pure: no Koa, Dapr or TypeORM. Handlers ask `decide…` what to record; a `noop` means the
// event was already applied (a redelivery) or no longer matters; `early` means a prerequisite has not
// been recorded yet, so the delivery should be retried; `refuse` means the event contradicts what the
// order knows (a reservation of other lines, an authorization of another amount): forged or corrupt,
// it changes nothing and can never succeed.
import type { EventData } from '@shop/contracts';
import type {
  OrderCancelled,
  OrderConfirmed,
  OrderPaymentAuthorized,
  OrderPaymentFailed,
  OrderPlaced,
  OrderShipped,
  OrderStockRejected,
  OrderStockReserved,
  CANCEL_REASONS,
} from '@shop/contracts';

export type Placed = EventData<typeof OrderPlaced>;
type Without<T> = Omit<T, 'orderId' | 'customerId' | 'version' | 'occurredAt'>;

/** What an event says, before it is stamped with the order id, customer, version and time. */
export type OrderChange =
  | { type: 'order.placed.v1'; data: Without<Placed> }
  | { type: 'order.stock-reserved.v1'; data: Without<EventData<typeof OrderStockReserved>> }
  | { type: 'order.stock-rejected.v1'; data: Without<EventData<typeof OrderStockRejected>> }
  | { type: 'order.payment-authorized.v1'; data: Without<EventData<typeof OrderPaymentAuthorized>> }
  | { type: 'order.payment-failed.v1'; data: Without<EventData<typeof OrderPaymentFailed>> }
  | { type: 'order.confirmed.v1'; data: Without<EventData<typeof OrderConfirmed>> }
  | { type: 'order.cancelled.v1'; data: Without<EventData<typeof OrderCancelled>> }
  | { type: 'order.shipped.v1'; data: Without<EventData<typeof OrderShipped>> };

export type OrderEvent = {
  type: OrderChange['type'];
  data: Record<string, unknown> & { orderId: string; customerId: string; version: number; occurredAt: string };
};

export type CancelReason = (typeof CANCEL_REASONS)[number];

export type OrderStatus =
  'placed' | 'stock-reserved' | 'payment-authorized' | 'confirmed' | 'shipped' | 'cancelled' | 'stock-rejected' | 'payment-failed';

export interface OrderState {
  orderId: string;
  customerId: string;
  version: number;
  status: OrderStatus;
  placed: Placed;
  paymentId?: string;
  cancelReason?: CancelReason;
  failureReason?: string;
  trackingNumber?: string;
}

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['shipped', 'cancelled']);

/** Folds events (in version order) into the current state. */
export function fold(events: readonly OrderEvent[]): OrderState {
  const first = events[0];
  if (!first || first.type !== 'order.placed.v1') throw new Error('an order stream starts with order.placed.v1');
  let state: OrderState = {
    orderId: first.data.orderId,
    customerId: first.data.customerId,
    version: 0,
    status: 'placed',
    placed: first.data as unknown as Placed,
  };
  for (const e of events) state = evolve(state, e);
  return state;
}

function evolve(s: OrderState, e: OrderEvent): OrderState {
  const next = { ...s, version: e.data.version };
  switch (e.type) {
    case 'order.placed.v1':
      return { ...next, status: 'placed' };
    case 'order.stock-reserved.v1':
      return { ...next, status: 'stock-reserved' };
    case 'order.stock-rejected.v1':
      return { ...next, status: 'stock-rejected', failureReason: String(e.data.reason) };
    case 'order.payment-authorized.v1':
      return { ...next, status: 'payment-authorized', paymentId: String(e.data.paymentId) };
    case 'order.payment-failed.v1':
      return { ...next, status: 'payment-failed', failureReason: String(e.data.reason) };
    case 'order.confirmed.v1':
      return { ...next, status: 'confirmed' };
    case 'order.cancelled.v1':
      return { ...next, status: 'cancelled', cancelReason: e.data.reason as CancelReason };
    case 'order.shipped.v1':
      return { ...next, status: 'shipped', trackingNumber: String(e.data.trackingNumber) };
  }
}

export type Decision = { record: OrderChange } | { noop: string } | { early: string } | { refuse: string };

const noop = (why: string): Decision => ({ noop: why });
const early = (why: string): Decision => ({ early: why });
const refuse = (why: string): Decision => ({ refuse: why });

type Line = { productId: string; quantity: number };

/** Units per product: a reservation must hold exactly what the order asked for, however it is split. */
function unitsByProduct(lines: readonly Line[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const l of lines) units.set(l.productId, (units.get(l.productId) ?? 0) + l.quantity);
  return units;
}

export function sameLines(a: readonly Line[], b: readonly Line[]): boolean {
  const x = unitsByProduct(a);
  const y = unitsByProduct(b);
  return x.size === y.size && [...x].every(([id, n]) => y.get(id) === n);
}

export function decideStockReserved(s: OrderState, reserved: readonly Line[]): Decision {
  if (s.status !== 'placed') return noop(`stock outcome already recorded (${s.status})`);
  if (!sameLines(reserved, s.placed.lines)) return refuse("the reservation does not hold the order's lines");
  return { record: { type: 'order.stock-reserved.v1', data: { total: s.placed.total, paymentToken: s.placed.paymentMethod.token } } };
}

export function decideStockRejected(s: OrderState, reason: string): Decision {
  if (s.status !== 'placed') return noop(`stock outcome already recorded (${s.status})`);
  return { record: { type: 'order.stock-rejected.v1', data: { reason } } };
}

export function decidePaymentAuthorized(s: OrderState, paymentId: string, amount: Placed['total']): Decision {
  if (TERMINAL.has(s.status)) return noop(`payment outcome not expected in ${s.status}`);
  const total = s.placed.total;
  if (amount.amount !== total.amount || amount.currency !== total.currency)
    return refuse(`authorized ${amount.amount} ${amount.currency}, the order's total is ${total.amount} ${total.currency}`);
  if (s.status === 'placed') return early('payment authorized before the stock reservation was recorded');
  if (s.status !== 'stock-reserved') return noop(`payment outcome not expected in ${s.status}`);
  return { record: { type: 'order.payment-authorized.v1', data: { paymentId, amount } } };
}

export function decidePaymentFailed(s: OrderState, reason: string): Decision {
  if (s.status === 'placed') return early('payment failed before the stock reservation was recorded');
  if (s.status !== 'stock-reserved') return noop(`payment outcome not expected in ${s.status}`);
  return { record: { type: 'order.payment-failed.v1', data: { reason } } };
}

export function decideConfirm(s: OrderState): Decision {
  if (s.status !== 'payment-authorized' || !s.paymentId) return noop(`cannot confirm in ${s.status}`);
  return { record: { type: 'order.confirmed.v1', data: { paymentId: s.paymentId, total: s.placed.total } } };
}

const PAYMENT_REASONS: Record<string, CancelReason> = {
  'card-declined': 'payment-declined',
  'insufficient-funds': 'insufficient-funds',
};

/** The reason an order is cancelled after a failed step. */
export function cancelReasonFor(s: OrderState): CancelReason | undefined {
  if (s.status === 'stock-rejected') return 'out-of-stock';
  if (s.status === 'payment-failed') return PAYMENT_REASONS[s.failureReason ?? ''] ?? 'payment-failed';
  return undefined;
}

export function decideCancel(s: OrderState, reason: CancelReason): Decision {
  if (s.status === 'confirmed' || TERMINAL.has(s.status)) return noop(`already ${s.status}`);
  return { record: { type: 'order.cancelled.v1', data: { reason, ...(s.paymentId ? { paymentId: s.paymentId } : {}) } } };
}

export function decideShip(s: OrderState, trackingNumber: string): Decision {
  if (s.status !== 'confirmed') return noop(`cannot ship in ${s.status}`);
  return { record: { type: 'order.shipped.v1', data: { trackingNumber } } };
}

/** Stamps a change with the aggregate's identity and the next version. */
export function stamp(change: OrderChange, orderId: string, customerId: string, version: number, now: Date): OrderEvent {
  return { type: change.type, data: { ...change.data, orderId, customerId, version, occurredAt: now.toISOString() } };
}

/** What an order's timeline shows of an event: its own facts, without what every event repeats. */
export function timelineDetail(e: OrderEvent): Record<string, unknown> {
  const { orderId: _o, customerId: _c, version: _v, occurredAt: _t, lines: _l, shippingAddress: _s, paymentMethod: _p, ...rest } = e.data;
  return rest;
}
