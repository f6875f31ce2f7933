// One trace through the shop: a checkout enters the gateway with a W3C `traceparent` the test chose, and
// every service it touches must log that trace id (ECS `trace.id`, packages/kit/src/logger.ts), which is
// the id Dapr's spans carry too, so a log search and a trace view meet. The synchronous path (gateway →
// orders → cart → catalog, orders → payments) keeps it. The asynchronous path starts at the orders
// outbox; where it loses the trace is pinned down below. The apps' own spans (OpenTelemetry,
// packages/kit/src/tracing.ts) go to an OTLP receiver this test runs on loopback, and join the same trace.
import { randomBytes, randomUUID } from 'node:crypto';
import { SHOP_APPS } from '@shop/testkit';
import { ADDRESS, CARDS, Shop } from '../e2e/support/shop';
import { OtlpReceiver, type ReceivedSpan } from '../e2e/support/otlp-receiver';

interface LogLine {
  message?: string;
  'trace.id'?: string;
  'span.id'?: string;
  'url.path'?: string;
  'http.request.method'?: string;
}

const TOUCHED = ['gateway', 'orders', 'cart', 'payments', 'catalog'];
const traceId = randomBytes(16).toString('hex');
const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

let shop: Shop;
let receiver: OtlpReceiver;
let orderId: string;
const logs = new Map<string, LogLine[]>();

const parseLog = (text: string): LogLine[] =>
  text.split('\n').flatMap((l) => {
    try {
      return l.startsWith('{') ? [JSON.parse(l) as LogLine] : [];
    } catch {
      return [];
    }
  });
/** The access-log line of the delivery of one event type to one app (one order in this stack). */
const delivery = (app: string, topic: string, type: string) =>
  logs.get(app)!.find((l) => l.message === 'request' && l['url.path'] === `/events/${topic}/${type}`);

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  const otel = receiver.env();
  shop = await Shop.start(otel, Object.fromEntries(SHOP_APPS.map((app) => [app, otel])));
  const admin = await shop.admin();
  const product = await shop.product(admin, 5);
  const me = await shop.customer();
  const pm = await shop.paymentMethod(me.token, CARDS.ok);
  const put = await shop.call(`/cart/items/${product.id}`, { method: 'PUT', token: me.token, body: { quantity: 1 } });
  if (put.status !== 200) throw new Error(`cart: ${put.status}`);
  // Only the checkout carries the chosen trace context.
  const placed = await shop.call('/orders', {
    method: 'POST',
    token: me.token,
    headers: { 'idempotency-key': randomUUID(), traceparent },
    body: { paymentMethod: pm, shippingAddress: ADDRESS },
  });
  if (placed.status !== 202) throw new Error(`checkout: ${placed.status} ${JSON.stringify(placed.body)}`);
  orderId = placed.body.orderId;
  await shop.until(me.token, orderId, (s) => s === 'shipped');
  for (const app of TOUCHED) logs.set(app, parseLog(shop.stack.get(app).app!.log()));
}, 180_000);
afterAll(async () => {
  await shop?.stop();
  await receiver?.stop();
});

describe('one checkout, one trace id in the logs', () => {
  it('when a checkout is sent with a traceparent, then gateway, orders, cart, payments and catalog all log under its trace id', () => {
    const withTrace = Object.fromEntries(TOUCHED.map((app) => [app, logs.get(app)!.filter((l) => l['trace.id'] === traceId).length > 0]));
    expect(withTrace).toEqual(Object.fromEntries(TOUCHED.map((app) => [app, true])));
    // And at the hops that matter: the checkout itself, and each call orders made to place it.
    const hop = (app: string, method: string, p: RegExp) =>
      logs.get(app)!.some((l) => l['trace.id'] === traceId && l['http.request.method'] === method && p.test(l['url.path'] ?? ''));
    expect({
      gateway: hop('gateway', 'POST', /^\/api\/v1\/orders$/),
      orders: hop('orders', 'POST', /^\/orders$/),
      cart: hop('cart', 'GET', /^\/cart$/),
      payments: hop('payments', 'GET', /^\/payment-methods\//),
      // The cart shows its lines beside the catalog's current data: one GET /products?ids=… for all of them.
      catalog: hop('catalog', 'GET', /^\/products$/),
    }).toEqual({ gateway: true, orders: true, cart: true, payments: true, catalog: true });
  });

  it('when catalog publishes its answer through the publish API, then orders handles it under the trace catalog handled order.placed.v1 in', () => {
    const placed = delivery('catalog', 'orders', 'order.placed.v1');
    expect(placed?.['trace.id']).toMatch(/^[0-9a-f]{32}$/);
    // The kit's publishEvent stamps the current traceparent on the CloudEvent (cloudevent.traceparent).
    expect(delivery('orders', 'stock', 'stock.reserved.v1')?.['trace.id']).toBe(placed!['trace.id']);
  });

  // Order events leave through the state-store outbox; the transaction carries no trace context of its own,
  // so the event store puts `traceparent` in the operation's metadata, which the outbox copies onto the
  // CloudEvent (a header or `cloudevent.traceparent` metadata is not carried over).
  it('when order events cross the outbox, then subscribers handle them under the trace that recorded them', () => {
    expect(delivery('catalog', 'orders', 'order.placed.v1')?.['trace.id']).toBe(traceId);
    const recordedIn = delivery('orders', 'stock', 'stock.reserved.v1')?.['trace.id'];
    expect(delivery('payments', 'orders', 'order.stock-reserved.v1')?.['trace.id']).toBe(recordedIn);
  });
});

const SERVER = 2; // OTLP's SpanKind

/** The server span a span ran under (the request it belongs to), following parents as they arrive. */
async function requestOf(span: ReceivedSpan): Promise<ReceivedSpan> {
  let s = span;
  for (let depth = 0; s.kind !== SERVER && depth < 50; depth++) {
    const child = s;
    s = await receiver.until((p) => p.traceId === child.traceId && p.spanId === child.parentSpanId, `that is the parent of ${child.name}`);
  }
  return s;
}

describe("one checkout, one trace of the apps' own spans", () => {
  it("when a checkout is sent with a traceparent, then catalog's SQL is a span of that trace, under catalog's request, under the sidecar hop catalog logged", async () => {
    const sql = await receiver.until(
      (s) =>
        s.traceId === traceId &&
        s.service === 'catalog' &&
        s.scope === '@opentelemetry/instrumentation-pg' &&
        s.name.startsWith('pg.query'),
      "of catalog's SQL in the checkout's trace",
    );
    const request = await requestOf(sql);
    expect(request).toMatchObject({ service: 'catalog', traceId, kind: SERVER });
    // The request's parent is the sidecar's span: the one whose id catalog logged (ECS span.id) for it.
    const hops = logs
      .get('catalog')!
      .filter((l) => l['trace.id'] === traceId && l.message === 'request')
      .map((l) => l['span.id']);
    expect(hops).toContain(request.parentSpanId);
  });
});
