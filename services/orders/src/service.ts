import { createPgDataSource, openPostgres } from '@shop/pg';
import { defineService } from '@shop/kit';
import { DaprIdempotencyStore, DaprOrderEventStore } from './adapters/dapr-event-store';
import { DaprCartClient, DaprPaymentMethods } from './adapters/dapr-upstreams';
import { withFunnelMetrics } from './adapters/funnel-event-store';
import { OrdersReadModel1767312000000 } from './adapters/migrations/1767312000000-read-model';
import { OrdersUnfinished1796050000000 } from './adapters/migrations/1796050000000-unfinished-orders';
import { SqlOrderReadModel } from './adapters/sql-read-model';
import { settings } from './config';
import { sagaHandlers } from './events/saga.handlers';
import type { CartClient, IdempotencyStore, OrderEventStore, OrderReadModel, PaymentMethods } from './ports';
import { fulfillmentBinding, operationRoutes } from './routes/operations.routes';
import { orderRoutes } from './routes/orders.routes';
import { SagaRedrive } from './use-cases/redrive-sagas';

export interface OrdersPorts {
  events: OrderEventStore;
  idempotency: IdempotencyStore;
  readModel: OrderReadModel;
  cart: CartClient;
  paymentMethods: PaymentMethods;
  now: () => Date;
}

/** Orders: checkout, the order saga over events (stored with the outbox), and the order history in SQL. */
export const ordersService = defineService({
  name: 'orders',
  settings,
  database: {
    urlSecret: (config) => config.dbUrlSecret,
    migrateOnStart: (config) => config.migrateOnStart,
    open: openPostgres(
      (url) =>
        createPgDataSource({
          service: 'orders',
          url,
          entities: [],
          migrations: [OrdersReadModel1767312000000, OrdersUnfinished1796050000000],
        }),
      'orders-migrations',
    ),
  },
  ports: ({ config, sidecar, db, metrics }): OrdersPorts => ({
    // Every append (checkout, saga, fulfillment) goes through the one store that counts the funnel.
    events: withFunnelMetrics(new DaprOrderEventStore(sidecar.state(config.eventStore)), metrics.registry),
    idempotency: new DaprIdempotencyStore(sidecar.state(config.eventStore), config.idempotencyTtlSeconds),
    readModel: new SqlOrderReadModel(db),
    cart: new DaprCartClient(sidecar),
    paymentMethods: new DaprPaymentMethods(sidecar),
    now: () => new Date(),
  }),
  http: (ports, { logger }) => [...orderRoutes({ ...ports, logger }), ...operationRoutes({ ...ports, logger })],
  events: (ports, { logger }) => sagaHandlers({ ...ports, logger }),
  bindings: (ports, { config, logger }) => [
    fulfillmentBinding(
      { ...ports, logger },
      config.fulfillmentBinding,
      new SagaRedrive({ ...ports, logger }, config.redriveAfterSeconds * 1000),
    ),
  ],
});
