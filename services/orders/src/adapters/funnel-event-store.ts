import { CANCEL_REASONS } from '@shop/contracts';
import { Counter, type Registry } from 'prom-client';
import type { OrderEventStore } from '../ports';

/**
 * The checkout funnel (placed → confirmed | cancelled by reason), counted where it is decided: an event
 * counts once its append has committed. The ETag-guarded append lets each transition commit exactly once,
 * whichever replica, retry or redelivery made it, so the counters agree with the event store rather than
 * with attempts. Summed over replicas, they feed the funnel dashboard and the stuck-saga alert.
 */
export function withFunnelMetrics(events: OrderEventStore, registry: Registry): OrderEventStore {
  const placed = new Counter({ name: 'orders_placed_total', help: 'Orders placed (checkout accepted).', registers: [registry] });
  const confirmed = new Counter({
    name: 'orders_confirmed_total',
    help: 'Orders confirmed (stock reserved, payment authorized).',
    registers: [registry],
  });
  const cancelled = new Counter({
    name: 'orders_cancelled_total',
    help: 'Orders cancelled, by the reason the saga gave.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Every reason exists from the start at zero, so rates and ratios have a series before the first cancel.
  for (const reason of CANCEL_REASONS) cancelled.inc({ reason }, 0);

  return {
    load: (orderId) => events.load(orderId),
    // The same event again: the funnel counted it when it was first recorded.
    republishLast: (orderId, stream) => events.republishLast(orderId, stream),
    async append(orderId, event, expected) {
      await events.append(orderId, event, expected);
      if (event.type === 'order.placed.v1') placed.inc();
      else if (event.type === 'order.confirmed.v1') confirmed.inc();
      else if (event.type === 'order.cancelled.v1') cancelled.inc({ reason: String(event.data.reason) });
    },
  };
}
