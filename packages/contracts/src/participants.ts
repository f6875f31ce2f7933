// Who publishes and who receives each event: the services' event handlers (services/*/src/events/) and the
// pub/sub components' publishingScopes and subscriptionScopes (components/<profile>/), written down once
// for the AsyncAPI document. A unit test holds it to the scopes of every profile.
import type { EventDef } from './define';
import { ORDER_EVENTS, OrderCancelled, OrderConfirmed, OrderPlaced, OrderStockReserved } from './orders';
import { PAYMENT_EVENTS, PaymentAuthorized, PaymentFailed } from './payments';
import { STOCK_EVENTS } from './stock';

/** Every event the services exchange. */
export const ALL_EVENTS: readonly EventDef[] = [...ORDER_EVENTS, ...STOCK_EVENTS, ...PAYMENT_EVENTS];

/** The definition of a CloudEvent type, if it is one of ours. */
export const eventOfType = (type: string): EventDef | undefined => ALL_EVENTS.find((e) => e.type === type);

export interface Participant {
  /** The Dapr app id. */
  app: string;
  /** What it publishes: every event of the topic it owns. */
  publishes: readonly EventDef[];
  /** What its subscriptions route to a handler; its sidecar acknowledges the topic's other types unread. */
  receives: readonly EventDef[];
  /** How its events reach the broker. */
  via: string;
}

export const PARTICIPANTS: readonly Participant[] = [
  {
    app: 'orders',
    publishes: ORDER_EVENTS,
    // The answers of catalog and payments move the saga; its own events feed the order history.
    receives: [...STOCK_EVENTS, PaymentAuthorized, PaymentFailed, ...ORDER_EVENTS],
    via: 'the transactional outbox of its state store: the sidecar publishes an event only if the write that records it commits',
  },
  {
    app: 'catalog',
    publishes: STOCK_EVENTS,
    receives: [OrderPlaced, OrderConfirmed, OrderCancelled],
    via: 'the Dapr publish API',
  },
  {
    app: 'payments',
    publishes: PAYMENT_EVENTS,
    receives: [OrderStockReserved, OrderConfirmed, OrderCancelled],
    via: 'the Dapr publish API',
  },
];
