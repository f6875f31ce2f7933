// The order event handlers through the app's subscription routes, as the sidecar delivers them, with
// in-memory stores: SUCCESS / RETRY / DROP answers, idempotency, lost ETag races, failed publishes.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { OrderCancelled, OrderConfirmed, OrderStockReserved, type EventData } from '@shop/contracts';
import { createMetrics, serviceApp } from '@shop/kit';
import { paymentsService } from '../../src/service';
import { checkCard } from '../../src/domain/card';
import { newPaymentMethodToken } from '../../src/domain/ids';
import { newPaymentMethod } from '../../src/domain/payment-method';
import { MAX_ATTEMPTS } from '../../src/use-cases/apply-decision';
import { MemoryPaymentMethodStore, MemoryPaymentStore, RecordingPublisher, listen, memoryLogger } from './fakes';

const NOW = new Date('2026-11-30T10:00:00Z');
const total = { amount: 4599, currency: 'EUR' };

describe('order events', () => {
  const log = memoryLogger();
  const methods = new MemoryPaymentMethodStore();
  const payments = new MemoryPaymentStore();
  const publisher = new RecordingPublisher();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = serviceApp(paymentsService, {
      logger: log.logger,
      metrics: createMetrics('payments-test'),
      identityKey: generateKeyPairSync('ed25519').publicKey,
      ports: { methods, payments, publisher, now: () => NOW },
    });
    server = await listen(app);
  });
  afterAll(() => server.close());
  afterEach(() => {
    payments.beforeWrite = undefined;
    publisher.failNext = 0;
  });

  const card = async (customerId: string, cardNumber: string) => {
    const method = newPaymentMethod(
      customerId,
      checkCard({ cardNumber, expMonth: 12, expYear: 2030, cvc: '123' }, NOW),
      newPaymentMethodToken(),
      NOW,
    );
    await methods.add(method);
    return method.token;
  };
  const deliver = async (type: string, data: unknown): Promise<string> => {
    const res = await fetch(`${server.url}/events/orders/${type}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ id: randomUUID(), source: 'orders', specversion: '1.0', type, data }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { status: string }).status;
  };
  const base = (orderId: string, customerId: string) => ({ orderId, customerId, version: 3, occurredAt: NOW.toISOString() });
  const reserved = (orderId: string, customerId: string, paymentToken: string): EventData<typeof OrderStockReserved> => ({
    ...base(orderId, customerId),
    total,
    paymentToken,
  });
  const confirmed = (orderId: string, customerId: string): EventData<typeof OrderConfirmed> => ({
    ...base(orderId, customerId),
    paymentId: 'pay_from_orders',
    total,
  });
  const cancelled = (orderId: string, customerId: string): EventData<typeof OrderCancelled> => ({
    ...base(orderId, customerId),
    reason: 'out-of-stock',
  });
  /** An approved order: its customer, its id, and its stock-reserved data. */
  const approvedOrder = async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    return { customerId, orderId, data: reserved(orderId, customerId, await card(customerId, '4242424242424242')) };
  };

  it('when the sidecar asks for subscriptions, then the three order events are routed by type, with the dead-letter topic', async () => {
    const subs = (await (await fetch(`${server.url}/dapr/subscribe`)).json()) as Record<string, any>[];
    expect(subs).toEqual([
      expect.objectContaining({
        pubsubname: 'pubsub',
        topic: 'orders',
        deadLetterTopic: 'deadletter',
        routes: expect.objectContaining({
          rules: [
            { match: 'event.type == "order.stock-reserved.v1"', path: '/events/orders/order.stock-reserved.v1' },
            { match: 'event.type == "order.confirmed.v1"', path: '/events/orders/order.confirmed.v1' },
            { match: 'event.type == "order.cancelled.v1"', path: '/events/orders/order.cancelled.v1' },
          ],
        }),
      }),
    ]);
  });

  it('when stock is reserved for an approving card, then authorized with the total and payment.authorized once per delivery', async () => {
    const { orderId, data } = await approvedOrder();
    expect(await deliver(OrderStockReserved.type, data)).toBe('SUCCESS');
    const record = (await payments.get(orderId))!.value;
    expect(record).toMatchObject({ status: 'authorized', amount: total, paymentId: expect.stringMatching(/^pay_[A-Za-z0-9]{24}$/) });
    expect(publisher.of(orderId)).toEqual([{ type: 'authorized', data: { orderId, paymentId: (record as any).paymentId, amount: total } }]);

    expect(await deliver(OrderStockReserved.type, data)).toBe('SUCCESS');
    expect((await payments.get(orderId))!.value).toEqual(record);
    expect(publisher.of(orderId)).toEqual([publisher.of(orderId)[0], publisher.of(orderId)[0]]);
  });

  it.each([
    ['4000000000000002', 'card-declined'],
    ['4000000000009995', 'insufficient-funds'],
  ])('when the card is %s, then failed with %s and payment.failed', async (cardNumber, reason) => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    expect(await deliver(OrderStockReserved.type, reserved(orderId, customerId, await card(customerId, cardNumber)))).toBe('SUCCESS');
    expect((await payments.get(orderId))!.value).toMatchObject({ status: 'failed', reason });
    expect(publisher.of(orderId)).toEqual([{ type: 'failed', data: { orderId, reason } }]);
  });

  it("when the token is another customer's or unknown, then payment.failed invalid-payment-method", async () => {
    const owner = randomUUID();
    const token = await card(owner, '4242424242424242');
    for (const [orderId, paymentToken] of [
      [randomUUID(), token],
      [randomUUID(), newPaymentMethodToken()],
    ] as const) {
      expect(await deliver(OrderStockReserved.type, reserved(orderId, randomUUID(), paymentToken))).toBe('SUCCESS');
      expect(publisher.of(orderId)).toEqual([{ type: 'failed', data: { orderId, reason: 'invalid-payment-method' } }]);
    }
  });

  it('when publishing fails after the write, then RETRY, and the redelivery publishes the recorded authorization', async () => {
    const { orderId, data } = await approvedOrder();
    publisher.failNext = 1;
    expect(await deliver(OrderStockReserved.type, data)).toBe('RETRY');
    const recorded = (await payments.get(orderId))!.value as { paymentId: string };
    expect(publisher.of(orderId)).toEqual([]);
    expect(await deliver(OrderStockReserved.type, data)).toBe('SUCCESS');
    expect(publisher.of(orderId)).toEqual([{ type: 'authorized', data: { orderId, paymentId: recorded.paymentId, amount: total } }]);
  });

  it('when another delivery wins the race to the record, then this one re-decides from what won and does not authorize twice', async () => {
    const { orderId, customerId, data } = await approvedOrder();
    const winner = { orderId, customerId, status: 'authorized' as const, paymentId: 'pay_winner', amount: total, history: [] };
    payments.beforeWrite = async () => {
      payments.beforeWrite = undefined;
      payments.put(winner);
    };
    expect(await deliver(OrderStockReserved.type, data)).toBe('SUCCESS');
    expect((await payments.get(orderId))!.value).toEqual(winner);
    expect(publisher.of(orderId)).toEqual([{ type: 'authorized', data: { orderId, paymentId: 'pay_winner', amount: total } }]);
  });

  it('when the record keeps changing under every attempt, then it gives up after a bounded number and answers RETRY', async () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    const authorized = (paymentId: string) => ({
      orderId,
      customerId,
      status: 'authorized' as const,
      paymentId,
      amount: total,
      history: [],
    });
    payments.put(authorized('pay_0'));
    let attempts = 0;
    payments.beforeWrite = async () => payments.put(authorized(`pay_${++attempts}`));
    expect(await deliver(OrderConfirmed.type, confirmed(orderId, customerId))).toBe('RETRY');
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect((await payments.get(orderId))!.value.status).toBe('authorized');
    expect(publisher.of(orderId)).toEqual([]);
  });

  it('when an authorized order is confirmed twice, then one capture and payment.captured for each delivery', async () => {
    const { orderId, customerId, data } = await approvedOrder();
    await deliver(OrderStockReserved.type, data);
    expect(await deliver(OrderConfirmed.type, confirmed(orderId, customerId))).toBe('SUCCESS');
    expect(await deliver(OrderConfirmed.type, confirmed(orderId, customerId))).toBe('SUCCESS');
    const record = (await payments.get(orderId))!.value;
    expect(record.history.map((h) => h.status)).toEqual(['authorized', 'captured']);
    expect(publisher.of(orderId).map((o) => o.type)).toEqual(['authorized', 'captured', 'captured']);
  });

  it('when a confirmation arrives before any authorization, then RETRY and nothing is written', async () => {
    const orderId = randomUUID();
    expect(await deliver(OrderConfirmed.type, confirmed(orderId, randomUUID()))).toBe('RETRY');
    expect(await payments.get(orderId)).toBeUndefined();
  });

  it('when an order whose payment failed is confirmed, then DROP (to dead letter) and nothing changes', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    await deliver(OrderStockReserved.type, reserved(orderId, customerId, await card(customerId, '4000000000000002')));
    expect(await deliver(OrderConfirmed.type, confirmed(orderId, customerId))).toBe('DROP');
    expect((await payments.get(orderId))!.value.status).toBe('failed');
  });

  it('when authorized then cancelled, then voided; when captured then cancelled, then refunded', async () => {
    const a = await approvedOrder();
    await deliver(OrderStockReserved.type, a.data);
    expect(await deliver(OrderCancelled.type, cancelled(a.orderId, a.customerId))).toBe('SUCCESS');
    expect((await payments.get(a.orderId))!.value.status).toBe('voided');
    expect(publisher.of(a.orderId).map((o) => o.type)).toEqual(['authorized', 'voided']);

    const b = await approvedOrder();
    await deliver(OrderStockReserved.type, b.data);
    await deliver(OrderConfirmed.type, confirmed(b.orderId, b.customerId));
    expect(await deliver(OrderCancelled.type, cancelled(b.orderId, b.customerId))).toBe('SUCCESS');
    expect((await payments.get(b.orderId))!.value.status).toBe('refunded');
    expect(publisher.of(b.orderId).map((o) => o.type)).toEqual(['authorized', 'captured', 'refunded']);
  });

  it('when the cancellation overtakes the stock reservation, then a tombstone blocks the authorization', async () => {
    const { orderId, customerId, data } = await approvedOrder();
    expect(await deliver(OrderCancelled.type, cancelled(orderId, customerId))).toBe('SUCCESS');
    expect(await deliver(OrderStockReserved.type, data)).toBe('SUCCESS');
    expect((await payments.get(orderId))!.value).toMatchObject({ status: 'cancelled', history: [{ status: 'cancelled' }] });
    expect(publisher.of(orderId)).toEqual([]);
  });

  it('when an event fails its contract, then DROP without touching the store', async () => {
    const orderId = randomUUID();
    expect(await deliver(OrderStockReserved.type, { orderId, cardNumber: '4242424242424242' })).toBe('DROP');
    expect(await payments.get(orderId)).toBeUndefined();
  });

  it('when events were handled, then each decision is logged with the order id and no card number', () => {
    const applied = log.lines().filter((l) => l.message === 'payment event applied');
    expect(applied.length).toBeGreaterThan(10);
    expect(applied[0]).toMatchObject({
      'order.id': expect.any(String),
      'event.type': expect.any(String),
      'payment.decision': expect.any(String),
    });
    expect(log.text()).not.toContain('4242424242424242');
  });
});
