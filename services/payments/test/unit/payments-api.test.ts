// The payments HTTP API in-process (app.callback() on a loopback port) with in-memory stores: identity,
// validation, ownership, and that no card number ever reaches a response or a log line.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createMetrics, serviceApp, signIdentity, type Identity } from '@shop/kit';
import { paymentsService } from '../../src/service';
import type { PaymentRecord } from '../../src/domain/payment';
import { MemoryPaymentMethodStore, MemoryPaymentStore, RecordingPublisher, listen, memoryLogger } from './fakes';

const GATEWAY = generateKeyPairSync('ed25519');
const NOW = new Date('2026-11-30T10:00:00Z');
const CARDS = ['4242424242424242', '4000000000000002', '4000000000009995', '378282246310005', '4242424242424241', '6011111111111117'];

describe('payments API', () => {
  const log = memoryLogger();
  const methods = new MemoryPaymentMethodStore();
  const payments = new MemoryPaymentStore();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const app = serviceApp(paymentsService, {
      logger: log.logger,
      metrics: createMetrics('payments-test'),
      identityKey: GATEWAY.publicKey,
      ports: { methods, payments, publisher: new RecordingPublisher(), now: () => NOW },
    });
    server = await listen(app);
  });
  afterAll(() => server.close());

  const as = (sub: string, role: Identity['role'] = 'customer', audience = 'payments') =>
    signIdentity(GATEWAY.privateKey, audience, { sub, role });
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      location: res.headers.get('location'),
      text,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const addCard = (sub: string, card: Record<string, unknown>) => call('POST', '/payment-methods', as(sub), card);
  const visa = { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' };

  it('when a customer adds a valid card, then 201 with a token and display facts only', async () => {
    const customer = randomUUID();
    const res = await addCard(customer, visa);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      token: expect.stringMatching(/^pm_[A-Za-z0-9]{24}$/),
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2030,
    });
    expect(res.location).toBe(`/payment-methods/${res.body.token}`);
    const stored = await methods.listFor(customer);
    expect(stored).toEqual([expect.objectContaining({ token: res.body.token, customerId: customer, behaviour: 'approve' })]);
    expect(JSON.stringify(stored)).not.toMatch(/4242424242424242|cvc|cardNumber/);
  });

  it('when no identity is forwarded, then 401; when it is forged, then 401', async () => {
    expect((await call('POST', '/payment-methods', {}, visa)).status).toBe(401);
    expect((await call('GET', '/payment-methods', {})).status).toBe(401);
    const forged = { ...as(randomUUID()), 'x-shop-identity-sig': 'forged' };
    expect((await call('GET', '/payment-methods', forged)).status).toBe(401);
  });

  it('when the identity was signed for another service (cart, orders), then 401', async () => {
    expect((await call('GET', '/payment-methods', as(randomUUID(), 'customer', 'cart'))).status).toBe(401);
    expect((await call('GET', '/payment-methods', as(randomUUID(), 'customer', 'orders'))).status).toBe(401);
  });

  it.each([
    [{ cardNumber: '4242424242424241' }, 'body.cardNumber'],
    [{ cardNumber: '6011111111111117' }, 'body.cardNumber'],
    [{ cardNumber: '4242-4242-424' }, 'body.cardNumber'],
    [{ expYear: 2025 }, 'body.expYear'],
    [{ expMonth: 10, expYear: 2026 }, 'body.expMonth'],
    [{ expMonth: 13 }, 'body.expMonth'],
    [{ cvc: '12' }, 'body.cvc'],
    [{ cardNumber: '378282246310005', cvc: '123' }, 'body.cvc'],
    [{ pin: '0000' }, 'body.pin'],
    [{ cardNumber: 4242424242424242 }, 'body.cardNumber'],
  ])('when the card is %j, then 400 problem+json names %s and does not echo the number', async (change, field) => {
    const card = { ...visa, ...change };
    const res = await addCard(randomUUID(), card);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    const digits = String(card.cardNumber).replace(/\D/g, '');
    expect(res.text).not.toContain(digits);
    expect(res.text).not.toContain(digits.slice(0, 12));
  });

  it('when the body is malformed JSON around a card number, then 400 without the number', async () => {
    const res = await call('POST', '/payment-methods', as(randomUUID()), '{"cardNumber":"4000000000000002", "cvc": "123"');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('4000000000000002');
  });

  it('when a customer lists methods, then only their own come back', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const a1 = (await addCard(alice, visa)).body;
    const a2 = (await addCard(alice, { cardNumber: '3782 822463 10005', expMonth: 1, expYear: 2027, cvc: '1234' })).body;
    await addCard(bob, visa);
    const res = await call('GET', '/payment-methods', as(alice));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [a1, a2] });
    expect(a2).toMatchObject({ brand: 'amex', last4: '0005' });
  });

  it("when a customer asks for one of their methods, then it is returned; another customer's token is 404", async () => {
    const alice = randomUUID();
    const token = (await addCard(alice, visa)).body.token as string;
    expect(await call('GET', `/payment-methods/${token}`, as(alice))).toMatchObject({ status: 200, body: { token, last4: '4242' } });
    const other = await call('GET', `/payment-methods/${token}`, as(randomUUID()));
    expect(other.status).toBe(404);
    expect(other.type).toMatch(/^application\/problem\+json/);
    expect((await call('GET', '/payment-methods/pm_doesnotexist00000000', as(alice))).status).toBe(404);
    expect((await call('GET', '/payment-methods/not-a-token', as(alice))).status).toBe(400);
  });

  it('when a customer holds the maximum number of methods, then one more is 409', async () => {
    const customer = randomUUID();
    for (let i = 0; i < 20; i++) expect((await addCard(customer, visa)).status).toBe(201);
    expect(await addCard(customer, visa)).toMatchObject({
      status: 409,
      body: { type: expect.stringMatching(/too-many-payment-methods$/) },
    });
  });

  describe('GET /payments/:orderId', () => {
    const orderId = randomUUID();
    const record: PaymentRecord = {
      orderId,
      customerId: randomUUID(),
      status: 'authorized',
      paymentId: 'pay_abc',
      amount: { amount: 1999, currency: 'USD' },
      history: [{ status: 'authorized', at: NOW.toISOString() }],
    };
    beforeAll(() => payments.put(record));

    it('when an admin asks, then the payment record comes back', async () => {
      const res = await call('GET', `/payments/${orderId}`, as(randomUUID(), 'admin'));
      expect(res).toMatchObject({
        status: 200,
        body: { orderId, paymentId: 'pay_abc', status: 'authorized', amount: record.amount, history: record.history },
      });
    });

    it('when a customer asks, then 404 as if the route did not exist; without identity, 401', async () => {
      expect((await call('GET', `/payments/${orderId}`, as(record.customerId))).status).toBe(404);
      expect((await call('GET', `/payments/${orderId}`, {})).status).toBe(401);
    });

    it('when the order has no payment, then 404; a malformed id is 400', async () => {
      expect((await call('GET', `/payments/${randomUUID()}`, as(randomUUID(), 'admin'))).status).toBe(404);
      expect((await call('GET', '/payments/not-a-uuid', as(randomUUID(), 'admin'))).status).toBe(400);
    });
  });

  it('when all of the above is done, then no card number appears in any log line, yet requests were logged', () => {
    const text = log.text();
    expect(text).toContain('"message":"request"');
    expect(text).toContain('"message":"request rejected"');
    for (const card of CARDS) {
      expect(text).not.toContain(card);
      expect(text).not.toContain(card.slice(0, 12));
    }
  });
});
