import { defineService } from '@shop/kit';
import { DaprOutcomePublisher } from './adapters/dapr-outcome-publisher';
import { DaprPaymentMethodStore } from './adapters/dapr-payment-method-store';
import { DaprPaymentStore } from './adapters/dapr-payment-store';
import { settings } from './config';
import { orderCancelledHandler } from './events/order-cancelled.handler';
import { orderConfirmedHandler } from './events/order-confirmed.handler';
import { orderStockReservedHandler } from './events/order-stock-reserved.handler';
import type { OutcomePublisher, PaymentMethodStore, PaymentStore } from './ports';
import { paymentMethodRoutes } from './routes/payment-methods.routes';
import { paymentRoutes } from './routes/payments.routes';

export interface PaymentsPorts {
  methods: PaymentMethodStore;
  payments: PaymentStore;
  publisher: OutcomePublisher;
  /** The clock of expiry checks and history timestamps (tests fix it). */
  now: () => Date;
}

/** Payments: customers' saved cards, and each order's payment, moved by the order events. */
export const paymentsService = defineService({
  name: 'payments',
  settings,
  hideAdminRoutes: true,
  ports: ({ config, sidecar }): PaymentsPorts => ({
    methods: new DaprPaymentMethodStore(sidecar.state(config.stateStore)),
    payments: new DaprPaymentStore(sidecar.state(config.stateStore)),
    publisher: new DaprOutcomePublisher(sidecar),
    now: () => new Date(),
  }),
  http: ({ methods, payments, now }) => [...paymentMethodRoutes(methods, now), ...paymentRoutes(payments)],
  events: ({ methods, payments, publisher, now }, { logger }) => {
    const deps = { payments, publisher, logger, now };
    return [orderStockReservedHandler({ ...deps, methods }), orderConfirmedHandler(deps), orderCancelledHandler(deps)];
  },
});
