// Payment outcomes, published by payments on topic `payments`.
import { money, uuid } from './common';
import { dataSchema, defineEvent } from './define';

export const PAYMENTS_TOPIC = 'payments';

const paymentId = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const PAYMENT_FAILURE_REASONS = ['card-declined', 'insufficient-funds', 'invalid-payment-method'] as const;

export const PaymentAuthorized = defineEvent(
  PAYMENTS_TOPIC,
  'payment.authorized.v1',
  dataSchema({ orderId: uuid, paymentId, amount: money }, ['orderId', 'paymentId', 'amount']),
);

export const PaymentFailed = defineEvent(
  PAYMENTS_TOPIC,
  'payment.failed.v1',
  dataSchema({ orderId: uuid, reason: { type: 'string', enum: PAYMENT_FAILURE_REASONS } }, ['orderId', 'reason']),
);

export const PaymentCaptured = defineEvent(
  PAYMENTS_TOPIC,
  'payment.captured.v1',
  dataSchema({ orderId: uuid, paymentId, amount: money }, ['orderId', 'paymentId', 'amount']),
);

export const PaymentVoided = defineEvent(
  PAYMENTS_TOPIC,
  'payment.voided.v1',
  dataSchema({ orderId: uuid, paymentId }, ['orderId', 'paymentId']),
);

export const PaymentRefunded = defineEvent(
  PAYMENTS_TOPIC,
  'payment.refunded.v1',
  dataSchema({ orderId: uuid, paymentId, amount: money }, ['orderId', 'paymentId', 'amount']),
);

export const PAYMENT_EVENTS = [PaymentAuthorized, PaymentFailed, PaymentCaptured, PaymentVoided, PaymentRefunded] as const;
