import {
  PAYMENT_STATUSES,
  canTransition,
  onOrderCancelled,
  onOrderConfirmed,
  onStockReserved,
  paymentView,
  recordedOutcome,
  type AuthorizationRequest,
  type Decision,
  type PaymentRecord,
  type PaymentStatus,
} from '../../src/domain/payment';

const orderId = '0b8e1f4e-7a1b-4c4e-9d1e-6d3f1a2b3c4d';
const customerId = '1c9f2a5e-8b2c-4d5f-8e2f-7e4a2b3c4d5e';
const amount = { amount: 3998, currency: 'USD' };
const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T10:05:00.000Z';
const paymentId = 'pay_first';

const reserve = (result: AuthorizationRequest['result'] = 'approved', id = paymentId): AuthorizationRequest => ({
  orderId,
  customerId,
  amount,
  result,
  paymentId: id,
  at: T1,
});

/** A record in each status, as the state machine would have written it. */
const records: Record<PaymentStatus, PaymentRecord> = {
  authorized: { orderId, customerId, status: 'authorized', paymentId, amount, history: [{ status: 'authorized', at: T0 }] },
  captured: {
    orderId,
    customerId,
    status: 'captured',
    paymentId,
    amount,
    history: [
      { status: 'authorized', at: T0 },
      { status: 'captured', at: T0 },
    ],
  },
  voided: {
    orderId,
    customerId,
    status: 'voided',
    paymentId,
    amount,
    history: [
      { status: 'authorized', at: T0 },
      { status: 'voided', at: T0 },
    ],
  },
  refunded: {
    orderId,
    customerId,
    status: 'refunded',
    paymentId,
    amount,
    history: [
      { status: 'authorized', at: T0 },
      { status: 'captured', at: T0 },
      { status: 'refunded', at: T0 },
    ],
  },
  failed: { orderId, customerId, status: 'failed', amount, reason: 'card-declined', history: [{ status: 'failed', at: T0 }] },
  cancelled: { orderId, customerId, status: 'cancelled', history: [{ status: 'cancelled', at: T0 }] },
};

const written = (d: Decision) => (d.kind === 'write' ? d.record : undefined);

describe('canTransition', () => {
  const legal: [PaymentStatus | undefined, PaymentStatus][] = [
    [undefined, 'authorized'],
    [undefined, 'failed'],
    [undefined, 'cancelled'],
    ['authorized', 'captured'],
    ['authorized', 'voided'],
    ['captured', 'refunded'],
  ];
  const from = [undefined, ...PAYMENT_STATUSES];
  const all = from.flatMap((f) => PAYMENT_STATUSES.map((t) => [f, t] as [PaymentStatus | undefined, PaymentStatus]));

  it.each(legal)('when a payment goes from %s to %s, then it is legal', (f, t) => {
    expect(canTransition(f, t)).toBe(true);
  });

  it.each(all.filter(([f, t]) => !legal.some(([lf, lt]) => lf === f && lt === t)))(
    'when a payment goes from %s to %s, then it is illegal',
    (f, t) => expect(canTransition(f, t)).toBe(false),
  );

  it('when every status is listed, then terminal ones have no way out', () => {
    const terminal = PAYMENT_STATUSES.filter((s) => PAYMENT_STATUSES.every((t) => !canTransition(s, t)));
    expect(terminal.sort()).toEqual(['cancelled', 'failed', 'refunded', 'voided']);
  });
});

describe('order.stock-reserved.v1 (authorize)', () => {
  it('when there is no record and the card approves, then authorized with the payment id, and payment.authorized', () => {
    expect(onStockReserved(undefined, reserve())).toEqual({
      kind: 'write',
      record: { orderId, customerId, status: 'authorized', paymentId, amount, history: [{ status: 'authorized', at: T1 }] },
      publish: { type: 'authorized', data: { orderId, paymentId, amount } },
      note: 'authorized',
    });
  });

  it.each(['card-declined', 'insufficient-funds', 'invalid-payment-method'] as const)(
    'when there is no record and the answer is %s, then failed with that reason, and payment.failed',
    (reason) => {
      const decision = onStockReserved(undefined, reserve(reason));
      expect(written(decision)).toEqual({ orderId, customerId, status: 'failed', amount, reason, history: [{ status: 'failed', at: T1 }] });
      expect(decision).toMatchObject({ kind: 'write', publish: { type: 'failed', data: { orderId, reason } } });
    },
  );

  it('when the record is authorized (a redelivery), then nothing is written and the same authorization is re-published', () => {
    expect(onStockReserved(records.authorized, reserve('approved', 'pay_second'))).toEqual({
      kind: 'keep',
      publish: { type: 'authorized', data: { orderId, paymentId, amount } },
      note: expect.stringContaining('duplicate'),
    });
  });

  it('when the record is failed (a redelivery), then the failure is re-published, even if the card would now pass', () => {
    expect(onStockReserved(records.failed, reserve('approved'))).toMatchObject({
      kind: 'keep',
      publish: { type: 'failed', data: { orderId, reason: 'card-declined' } },
    });
  });

  it('when the order was cancelled first (tombstone), then it is never authorized and nothing is published', () => {
    expect(onStockReserved(records.cancelled, reserve())).toEqual({ kind: 'keep', publish: undefined, note: expect.any(String) });
  });

  it.each(['captured', 'voided', 'refunded'] as const)(
    'when the payment has moved on to %s, then a late redelivery changes and publishes nothing',
    (status) => expect(onStockReserved(records[status], reserve())).toMatchObject({ kind: 'keep', publish: undefined }),
  );
});

describe('order.confirmed.v1 (capture)', () => {
  it('when authorized, then captured with the same id and amount, history appended, and payment.captured', () => {
    const decision = onOrderConfirmed(records.authorized, T1);
    expect(written(decision)).toEqual({
      ...records.authorized,
      status: 'captured',
      history: [...records.authorized.history, { status: 'captured', at: T1 }],
    });
    expect(decision).toMatchObject({ kind: 'write', publish: { type: 'captured', data: { orderId, paymentId, amount } } });
  });

  it('when captured already (a redelivery), then nothing is written and payment.captured is re-published', () => {
    expect(onOrderConfirmed(records.captured, T1)).toMatchObject({
      kind: 'keep',
      publish: { type: 'captured', data: { orderId, paymentId } },
    });
  });

  it('when there is no record, then it waits (retry): the authorization is not recorded yet', () => {
    expect(onOrderConfirmed(undefined, T1)).toEqual({ kind: 'wait', note: expect.any(String) });
  });

  it.each(['refunded', 'voided'] as const)('when %s, then nothing is captured or published', (status) => {
    expect(onOrderConfirmed(records[status], T1)).toMatchObject({ kind: 'keep', publish: undefined });
  });

  it.each(['failed', 'cancelled'] as const)('when %s, then the confirmation is rejected (it can never apply)', (status) => {
    expect(onOrderConfirmed(records[status], T1)).toEqual({ kind: 'reject', note: expect.stringContaining(status) });
  });
});

describe('order.cancelled.v1 (compensate)', () => {
  const ids = { orderId, customerId };

  it('when authorized, then voided and payment.voided', () => {
    const decision = onOrderCancelled(records.authorized, ids, T1);
    expect(written(decision)).toMatchObject({
      status: 'voided',
      paymentId,
      history: [{ status: 'authorized' }, { status: 'voided', at: T1 }],
    });
    expect(decision).toMatchObject({ kind: 'write', publish: { type: 'voided', data: { orderId, paymentId } } });
  });

  it('when captured, then refunded (the captured amount) and payment.refunded', () => {
    const decision = onOrderCancelled(records.captured, ids, T1);
    expect(written(decision)).toMatchObject({ status: 'refunded', amount, history: [{}, {}, { status: 'refunded', at: T1 }] });
    expect(decision).toMatchObject({ kind: 'write', publish: { type: 'refunded', data: { orderId, paymentId, amount } } });
  });

  it('when there is no record, then a cancelled tombstone is written and nothing is published', () => {
    expect(onOrderCancelled(undefined, ids, T1)).toEqual({
      kind: 'write',
      record: { orderId, customerId, status: 'cancelled', history: [{ status: 'cancelled', at: T1 }] },
      publish: undefined,
      note: expect.any(String),
    });
  });

  it.each([
    ['failed', { type: 'failed', data: { orderId, reason: 'card-declined' } }],
    ['voided', { type: 'voided', data: { orderId, paymentId } }],
    ['refunded', { type: 'refunded', data: { orderId, paymentId, amount } }],
  ] as const)('when %s, then nothing changes and the recorded outcome is re-published', (status, outcome) => {
    expect(onOrderCancelled(records[status], ids, T1)).toEqual({ kind: 'keep', publish: outcome, note: expect.any(String) });
  });

  it('when cancelled already, then nothing changes and nothing is published', () => {
    expect(onOrderCancelled(records.cancelled, ids, T1)).toMatchObject({ kind: 'keep', publish: undefined });
  });
});

describe('a whole saga through the state machine', () => {
  it('when an order is authorized, confirmed twice and cancelled twice, then one capture and one refund are recorded', () => {
    let record: PaymentRecord | undefined;
    const published: string[] = [];
    const step = (d: Decision) => {
      if (d.kind === 'write') record = d.record;
      if ((d.kind === 'write' || d.kind === 'keep') && d.publish) published.push(d.publish.type);
    };
    step(onStockReserved(record, reserve()));
    step(onStockReserved(record, reserve('approved', 'pay_other')));
    step(onOrderConfirmed(record, T1));
    step(onOrderConfirmed(record, T1));
    step(onOrderCancelled(record, { orderId, customerId }, T1));
    step(onOrderCancelled(record, { orderId, customerId }, T1));
    expect(record?.history.map((h) => h.status)).toEqual(['authorized', 'captured', 'refunded']);
    expect(record).toMatchObject({ paymentId });
    expect(published).toEqual(['authorized', 'authorized', 'captured', 'captured', 'refunded', 'refunded']);
  });
});

describe('views', () => {
  it('when each status is shown, then paymentId and amount are null where there is none, and a failure says why', () => {
    expect(paymentView(records.captured)).toEqual({ orderId, paymentId, status: 'captured', amount, history: records.captured.history });
    expect(paymentView(records.failed)).toMatchObject({ paymentId: null, amount, failureReason: 'card-declined' });
    expect(paymentView(records.cancelled)).toMatchObject({ paymentId: null, amount: null, status: 'cancelled' });
    expect(paymentView(records.cancelled)).not.toHaveProperty('failureReason');
  });

  it('when a tombstone is asked for its outcome, then there is none', () => {
    expect(recordedOutcome(records.cancelled)).toBeUndefined();
  });
});
