// The payment of one order as a state machine. Each order event is decided here, purely: which record to
// write (if any) and which outcome to publish. Delivery is at least once and may reorder events, so every
// decision starts from the recorded state: a duplicate never decides twice, it re-publishes what was
// recorded (the first attempt may have written and then failed to publish).
import type { AuthorizationResult } from './payment-method';

export interface Money {
  amount: number;
  currency: string;
}

export const PAYMENT_STATUSES = ['authorized', 'failed', 'captured', 'voided', 'refunded', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FAILURE_REASONS = ['card-declined', 'insufficient-funds', 'invalid-payment-method'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** The statuses that may follow each status; `none` is "no record yet". Everything else is illegal. */
const NEXT: Readonly<Record<PaymentStatus | 'none', readonly PaymentStatus[]>> = {
  none: ['authorized', 'failed', 'cancelled'],
  authorized: ['captured', 'voided'],
  captured: ['refunded'],
  failed: [],
  voided: [],
  refunded: [],
  // A tombstone: the order was cancelled before its stock was reserved, so it is never authorized.
  cancelled: [],
};

export function canTransition(from: PaymentStatus | undefined, to: PaymentStatus): boolean {
  return NEXT[from ?? 'none'].includes(to);
}

interface RecordBase {
  orderId: string;
  customerId: string;
  history: { status: PaymentStatus; at: string }[];
}

/** The record kept under `payment-<orderId>`; its shape follows its status. */
export type PaymentRecord =
  | (RecordBase & { status: 'authorized' | 'captured' | 'voided' | 'refunded'; paymentId: string; amount: Money })
  | (RecordBase & { status: 'failed'; amount: Money; reason: FailureReason })
  | (RecordBase & { status: 'cancelled' });

/** An event payments publishes; `type` names the contract (`payment.<type>.v1`). */
export type PaymentOutcome =
  | { type: 'authorized'; data: { orderId: string; paymentId: string; amount: Money } }
  | { type: 'failed'; data: { orderId: string; reason: FailureReason } }
  | { type: 'captured'; data: { orderId: string; paymentId: string; amount: Money } }
  | { type: 'voided'; data: { orderId: string; paymentId: string } }
  | { type: 'refunded'; data: { orderId: string; paymentId: string; amount: Money } };

export type Decision =
  /** Write this record (guarded by the ETag of what was read), then publish. */
  | { kind: 'write'; record: PaymentRecord; publish: PaymentOutcome | undefined; note: string }
  /** Nothing changes; publish again what is recorded, if anything. */
  | { kind: 'keep'; publish: PaymentOutcome | undefined; note: string }
  /** Not decidable yet (an event overtook the one it follows): try again later. */
  | { kind: 'wait'; note: string }
  /** Can never be applied: the event contradicts the recorded state. */
  | { kind: 'reject'; note: string };

/** The outcome a record stands for, which a duplicate event re-publishes. A tombstone stands for none. */
export function recordedOutcome(record: PaymentRecord): PaymentOutcome | undefined {
  const { orderId } = record;
  switch (record.status) {
    case 'authorized':
    case 'captured':
    case 'refunded':
      return { type: record.status, data: { orderId, paymentId: record.paymentId, amount: record.amount } };
    case 'voided':
      return { type: 'voided', data: { orderId, paymentId: record.paymentId } };
    case 'failed':
      return { type: 'failed', data: { orderId, reason: record.reason } };
    case 'cancelled':
      return undefined;
  }
}

export class IllegalTransitionError extends Error {
  constructor(from: PaymentStatus | undefined, to: PaymentStatus) {
    super(`a payment cannot go from ${from ?? 'none'} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** The next state of a record with an authorization (capture, void, refund keep id and amount). */
function advance(
  record: Extract<PaymentRecord, { paymentId: string }>,
  status: 'captured' | 'voided' | 'refunded',
  at: string,
): PaymentRecord {
  if (!canTransition(record.status, status)) throw new IllegalTransitionError(record.status, status);
  return { ...record, status, history: [...record.history, { status, at }] };
}

function write(record: PaymentRecord, note: string): Decision {
  return { kind: 'write', record, publish: recordedOutcome(record), note };
}

export interface AuthorizationRequest {
  orderId: string;
  customerId: string;
  amount: Money;
  /** The processor's answer for the order's payment method (see `authorizationResult`). */
  result: AuthorizationResult;
  /** The id an approved authorization gets; unused otherwise. */
  paymentId: string;
  at: string;
}

/** `order.stock-reserved.v1`: authorize the order's total, once. */
export function onStockReserved(current: PaymentRecord | undefined, req: AuthorizationRequest): Decision {
  if (!current) {
    const base = { orderId: req.orderId, customerId: req.customerId, amount: req.amount };
    return req.result === 'approved'
      ? write({ ...base, status: 'authorized', paymentId: req.paymentId, history: [{ status: 'authorized', at: req.at }] }, 'authorized')
      : write({ ...base, status: 'failed', reason: req.result, history: [{ status: 'failed', at: req.at }] }, `failed: ${req.result}`);
  }
  switch (current.status) {
    case 'authorized':
    case 'failed':
      return { kind: 'keep', publish: recordedOutcome(current), note: 'duplicate: the recorded outcome is published again' };
    case 'cancelled':
      return { kind: 'keep', publish: undefined, note: 'the order was cancelled before its stock was reserved: not authorized' };
    default:
      // Captured, voided or refunded: orders has acted on the authorization already, so nothing is re-sent.
      return { kind: 'keep', publish: undefined, note: `duplicate: the payment has moved on to ${current.status}` };
  }
}

/** `order.confirmed.v1`: capture the authorized amount, exactly once. */
export function onOrderConfirmed(current: PaymentRecord | undefined, at: string): Decision {
  if (!current) return { kind: 'wait', note: 'no authorization is recorded for this order yet' };
  switch (current.status) {
    case 'authorized':
      return write(advance(current, 'captured', at), 'captured');
    case 'captured':
      return { kind: 'keep', publish: recordedOutcome(current), note: 'duplicate: captured already' };
    case 'refunded':
      return { kind: 'keep', publish: undefined, note: 'duplicate: captured, then refunded' };
    case 'voided':
      // The cancellation overtook the confirmation: the order ends cancelled, so there is nothing to take.
      return { kind: 'keep', publish: undefined, note: 'the authorization was voided by a cancellation: nothing to capture' };
    case 'failed':
    case 'cancelled':
      return { kind: 'reject', note: `an order whose payment is ${current.status} cannot be confirmed` };
  }
}

/** `order.cancelled.v1`: compensate (void or refund), or leave a tombstone that blocks a late authorization. */
export function onOrderCancelled(current: PaymentRecord | undefined, ids: { orderId: string; customerId: string }, at: string): Decision {
  if (!current) {
    return write(
      { ...ids, status: 'cancelled', history: [{ status: 'cancelled', at }] },
      'cancelled before authorization: tombstone written',
    );
  }
  switch (current.status) {
    case 'authorized':
      return write(advance(current, 'voided', at), 'voided');
    case 'captured':
      return write(advance(current, 'refunded', at), 'refunded');
    case 'failed':
    case 'voided':
    case 'refunded':
      return { kind: 'keep', publish: recordedOutcome(current), note: `nothing to compensate: the payment is ${current.status}` };
    case 'cancelled':
      return { kind: 'keep', publish: undefined, note: 'duplicate: cancelled already' };
  }
}

/** The record as an admin sees it through `GET /payments/:orderId`. */
export function paymentView(record: PaymentRecord) {
  return {
    orderId: record.orderId,
    paymentId: 'paymentId' in record ? record.paymentId : null,
    status: record.status,
    amount: 'amount' in record ? record.amount : null,
    ...(record.status === 'failed' ? { failureReason: record.reason } : {}),
    history: record.history,
  };
}
