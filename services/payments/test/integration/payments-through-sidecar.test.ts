// Payments as it runs for real: its process started from dapr/run.yaml, its daprd sidecar with the
// repository's components (paymentstore and pubsub on the local Redis, the gateway's identity public key
// from the secret store). Cards are tokenized through service invocation; order events are published through the
// payments sidecar and their effect is observed through the admin view of the payment record.
import { randomUUID } from 'node:crypto';
import { identitySigningKey, signIdentity } from '@shop/kit';
import { Stack, devSecrets } from '@shop/testkit';

type Json = Record<string, any>;

const CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  insufficient: '4000000000009995',
  amex: '378282246310005',
  badLuhn: '4242424242424241',
};

describe('payments through its Dapr sidecar', () => {
  let stack: Stack;
  const key = identitySigningKey(devSecrets()['gateway-identity-private-key']!);
  const customer = (sub: string) => signIdentity(key, 'payments', { sub, role: 'customer' });
  const admin = () => signIdentity(key, 'payments', { sub: randomUUID(), role: 'admin' });

  beforeAll(async () => {
    // An app-less orders sidecar publishes the order events: only orders may publish to topic `orders`.
    stack = await Stack.start({ apps: [{ appId: 'payments' }, { appId: 'orders', sidecarOnly: true }] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const invoke = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(stack.invokeUrl('payments', 'payments', path), {
      method,
      headers: { ...headers, ...stack.daprHeaders('payments'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: (text ? JSON.parse(text) : undefined) as Json };
  };
  const addCard = async (sub: string, cardNumber: string, cvc = '123'): Promise<string> => {
    const res = await invoke('POST', 'payment-methods', customer(sub), { cardNumber, expMonth: 12, expYear: 2031, cvc });
    expect(res.status).toBe(201);
    return res.body.token as string;
  };
  const publish = async (type: string, data: Json) => {
    const url = `${stack.get('orders').daprUrl}/v1.0/publish/pubsub/orders?metadata.cloudevent.type=${type}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.daprHeaders('orders') },
      body: JSON.stringify(data),
    });
    expect(res.status).toBe(204);
  };
  const paymentOf = (orderId: string) => invoke('GET', `payments/${orderId}`, admin());
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const statusBecomes = (orderId: string, status: string) =>
    until(`payment of ${orderId} to be ${status}`, async () => {
      const res = await paymentOf(orderId);
      return res.status === 200 && res.body.status === status ? res.body : undefined;
    });
  /** The app's JSON log lines about one order (its "payment event applied" / "outcome published" lines). */
  const logOf = (orderId: string, message: string, eventType: string): Json[] =>
    stack
      .get('payments')
      .app!.log()
      .split('\n')
      .filter((l) => l.includes(orderId) && l.startsWith('{'))
      .map((l) => JSON.parse(l) as Json)
      .filter((l) => l.message === message && l['event.type'] === eventType);
  const handledTimes = (orderId: string, eventType: string, times: number) =>
    until(`${eventType} for ${orderId} to be handled ${times} times`, async () =>
      logOf(orderId, 'payment event applied', eventType).length >= times ? true : undefined,
    );

  const base = (orderId: string, customerId: string, version: number) => ({
    orderId,
    customerId,
    version,
    occurredAt: new Date().toISOString(),
  });
  const total = { amount: 12_345, currency: 'USD' };
  const stockReserved = (orderId: string, customerId: string, paymentToken: string) =>
    publish('order.stock-reserved.v1', { ...base(orderId, customerId, 2), total, paymentToken });
  const confirmed = (orderId: string, customerId: string, paymentId: string) =>
    publish('order.confirmed.v1', { ...base(orderId, customerId, 4), paymentId, total });
  const cancelled = (orderId: string, customerId: string) =>
    publish('order.cancelled.v1', { ...base(orderId, customerId, 4), reason: 'payment-failed' });
  /** A customer with an approving card and an order whose stock-reserved was delivered and authorized. */
  const authorizedOrder = async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    await stockReserved(orderId, customerId, await addCard(customerId, CARDS.approve));
    const payment = await statusBecomes(orderId, 'authorized');
    return { customerId, orderId, paymentId: payment.paymentId as string };
  };

  it('when cards are tokenized through the sidecar, then the customer lists and reads only their own methods', async () => {
    const alice = randomUUID();
    const visa = await addCard(alice, CARDS.approve);
    const amex = await addCard(alice, CARDS.amex, '1234');
    const list = await invoke('GET', 'payment-methods', customer(alice));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      { token: visa, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2031 },
      { token: amex, brand: 'amex', last4: '0005', expMonth: 12, expYear: 2031 },
    ]);
    expect((await invoke('GET', `payment-methods/${visa}`, customer(alice))).body).toMatchObject({ token: visa, last4: '4242' });
    expect((await invoke('GET', `payment-methods/${visa}`, customer(randomUUID()))).status).toBe(404);
    expect((await invoke('GET', 'payment-methods', {})).status).toBe(401);
  });

  it('when a bad card is sent, then 400 problem+json names the field and the response does not contain the number', async () => {
    const res = await invoke('POST', 'payment-methods', customer(randomUUID()), {
      cardNumber: CARDS.badLuhn,
      expMonth: 12,
      expYear: 2031,
      cvc: '123',
    });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'body.cardNumber', message: expect.any(String) }]);
    expect(res.text).not.toContain(CARDS.badLuhn);
  });

  it('when stock is reserved for an approving card, then the payment is authorized for the total', async () => {
    const { orderId, paymentId } = await authorizedOrder();
    const payment = (await paymentOf(orderId)).body;
    expect(payment).toMatchObject({ orderId, status: 'authorized', amount: total, history: [{ status: 'authorized' }] });
    expect(paymentId).toMatch(/^pay_[A-Za-z0-9]{24}$/);
    await until('the authorization to be published', async () =>
      logOf(orderId, 'payment outcome published', 'order.stock-reserved.v1').some((l) => l['payment.outcome'] === 'payment.authorized.v1')
        ? true
        : undefined,
    );
  });

  it.each([
    ['a declined card', 'card-declined', CARDS.decline],
    ['a card without funds', 'insufficient-funds', CARDS.insufficient],
  ])('when stock is reserved for %s, then the payment fails with %s', async (_what, reason, cardNumber) => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    await stockReserved(orderId, customerId, await addCard(customerId, cardNumber));
    expect(await statusBecomes(orderId, 'failed')).toMatchObject({ failureReason: reason, paymentId: null, amount: total });
  });

  it("when the order's token belongs to another customer, then the payment fails with invalid-payment-method", async () => {
    const orderId = randomUUID();
    await stockReserved(orderId, randomUUID(), await addCard(randomUUID(), CARDS.approve));
    expect(await statusBecomes(orderId, 'failed')).toMatchObject({ failureReason: 'invalid-payment-method' });
  });

  it('when the same stock-reserved event is delivered twice, then there is one authorization with one payment id', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    const token = await addCard(customerId, CARDS.approve);
    await stockReserved(orderId, customerId, token);
    const first = await statusBecomes(orderId, 'authorized');
    await stockReserved(orderId, customerId, token);
    await handledTimes(orderId, 'order.stock-reserved.v1', 2);
    const after = (await paymentOf(orderId)).body;
    expect(after.paymentId).toBe(first.paymentId);
    expect(after.history).toEqual(first.history);
    const applied = logOf(orderId, 'payment event applied', 'order.stock-reserved.v1').map((l) => l['payment.decision']);
    expect(applied.sort()).toEqual(['authorized', 'unchanged']);
  });

  it('when the order is confirmed twice, then the payment is captured exactly once', async () => {
    const { customerId, orderId, paymentId } = await authorizedOrder();
    await confirmed(orderId, customerId, paymentId);
    await confirmed(orderId, customerId, paymentId);
    await statusBecomes(orderId, 'captured');
    await handledTimes(orderId, 'order.confirmed.v1', 2);
    const payment = (await paymentOf(orderId)).body;
    expect(payment.history.map((h: Json) => h.status)).toEqual(['authorized', 'captured']);
    expect(payment.paymentId).toBe(paymentId);
  });

  it('when an authorized order is cancelled, then the authorization is voided', async () => {
    const { customerId, orderId } = await authorizedOrder();
    await cancelled(orderId, customerId);
    expect((await statusBecomes(orderId, 'voided')).history.map((h: Json) => h.status)).toEqual(['authorized', 'voided']);
  });

  it('when a captured order is cancelled, then the capture is refunded', async () => {
    const { customerId, orderId, paymentId } = await authorizedOrder();
    await confirmed(orderId, customerId, paymentId);
    await statusBecomes(orderId, 'captured');
    await cancelled(orderId, customerId);
    expect((await statusBecomes(orderId, 'refunded')).history.map((h: Json) => h.status)).toEqual(['authorized', 'captured', 'refunded']);
  });

  it('when the order is cancelled before its stock-reserved arrives, then it is never authorized', async () => {
    const customerId = randomUUID();
    const orderId = randomUUID();
    const token = await addCard(customerId, CARDS.approve);
    await cancelled(orderId, customerId);
    await statusBecomes(orderId, 'cancelled');
    await stockReserved(orderId, customerId, token);
    await handledTimes(orderId, 'order.stock-reserved.v1', 1);
    const payment = (await paymentOf(orderId)).body;
    expect(payment).toMatchObject({ status: 'cancelled', paymentId: null, history: [{ status: 'cancelled' }] });
    expect(logOf(orderId, 'payment outcome published', 'order.stock-reserved.v1')).toEqual([]);
  });

  it('when all of the above has run, then the app log never contains a card number, though it logged the requests', () => {
    const log = stack.get('payments').app!.log();
    expect(log).toContain('"message":"request"');
    for (const number of Object.values(CARDS)) expect(log).not.toContain(number);
  });
});
