// The saga, as reactions to events. Each handler is idempotent: the aggregate's state machine turns a
// repeated or late event into a no-op, and the ETag-guarded append makes concurrent deliveries safe.
import {
  OrderCancelled,
  OrderConfirmed,
  OrderPaymentAuthorized,
  OrderPaymentFailed,
  OrderPlaced,
  OrderShipped,
  OrderStockRejected,
  OrderStockReserved,
  PaymentAuthorized,
  PaymentFailed,
  StockRejected,
  StockReservationExpired,
  StockReserved,
  type EventDef,
} from '@shop/contracts';
import { on, type EventHandler } from '@shop/kit';
import {
  cancelReasonFor,
  decideCancel,
  decideConfirm,
  decidePaymentAuthorized,
  decidePaymentFailed,
  decideStockRejected,
  decideStockReserved,
  type OrderEvent,
  type OrderState,
  type Decision,
} from '../domain/order';
import { advanceOrder, type SagaDeps } from '../use-cases/advance-order';
import { projectOrderEvent } from '../use-cases/catch-up-read-model';

export function sagaHandlers(deps: SagaDeps): EventHandler<never>[] {
  const advance = async (orderId: string, decide: (s: OrderState) => Decision) => {
    // An order we never placed: nothing to do, and retrying would not change that.
    if ((await advanceOrder(deps, orderId, decide)) === 'unknown-order')
      deps.logger.warn('event for an unknown order', { 'order.id': orderId });
  };
  // Our own events: project each into the read model (catching up from the stream if one before it was
  // never projected), then take the saga's next step, if any.
  const own = <E extends EventDef>(def: E, next?: (s: OrderState) => Decision) =>
    on(def, async (data) => {
      await projectOrderEvent(deps, { type: def.type, data } as OrderEvent);
      const orderId = (data as { orderId: string }).orderId;
      if (next) await advance(orderId, next);
    });
  const cancelAfterFailure = (s: OrderState): Decision => {
    const reason = cancelReasonFor(s);
    return reason ? decideCancel(s, reason) : { noop: `nothing to cancel in ${s.status}` };
  };

  // Answers from catalog and payments become events of the order. Where the order's next step follows
  // from that event alone (confirm, cancel), it is taken at once: waiting for the event to come back
  // through the outbox would add the sidecar's outbox delay (a fixed second per message) to checkout.
  const handlers: EventHandler<never>[] = [
    on(StockReserved, (d) => advance(d.orderId, (s) => decideStockReserved(s, d.lines))),
    on(StockRejected, async (d) => {
      await advance(d.orderId, (s) => decideStockRejected(s, d.reason));
      await advance(d.orderId, cancelAfterFailure);
    }),
    on(StockReservationExpired, (d) => advance(d.orderId, (s) => decideCancel(s, 'reservation-expired'))),
    on(PaymentAuthorized, async (d) => {
      await advance(d.orderId, (s) => decidePaymentAuthorized(s, d.paymentId, d.amount));
      await advance(d.orderId, decideConfirm);
    }),
    on(PaymentFailed, async (d) => {
      await advance(d.orderId, (s) => decidePaymentFailed(s, d.reason));
      await advance(d.orderId, cancelAfterFailure);
    }),
    // The order's own events: projected, and the next step taken again if a crash interrupted the
    // handler above between its two appends (otherwise a no-op).
    own(OrderPlaced),
    own(OrderStockReserved),
    own(OrderStockRejected, cancelAfterFailure),
    own(OrderPaymentAuthorized, decideConfirm),
    own(OrderPaymentFailed, cancelAfterFailure),
    own(OrderConfirmed),
    own(OrderCancelled),
    own(OrderShipped),
  ];
  return handlers;
}
