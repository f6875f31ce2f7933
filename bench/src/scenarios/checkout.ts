// Scenario 5: checkout through the gateway at a fixed rate (each operation: put one item in the cart, then
// POST /orders), then the saga is left to finish within a bounded time. Placed→confirmed comes from the
// order timeline's own timestamps (both stamped by the orders service), read from the order-history read
// model in PostgreSQL, the same rows GET /orders/:id serves; a sample is cross-checked through the API.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { clientAddress } from '../cannon';
import { paced } from '../paced';
import { Sampler } from '../procstat';
import { roundSummary, roundUsage, type BenchContext, type ScenarioResult } from '../scenario';
import { ADDRESS, type BenchShop, type Customer } from '../shop';
import { ErrorSamples, round, summarize } from '../stats';

export interface CheckoutOptions {
  rate: number;
  seconds: number;
  /** Longest wait for every accepted order to end its saga (confirmed, shipped or cancelled). */
  drainSeconds: number;
}

interface Accepted {
  orderId: string;
  customer: number;
}

const SAGA_DONE = ['confirmed', 'shipped', 'cancelled'];

export async function checkout(
  ctx: BenchContext,
  shop: BenchShop,
  customers: Customer[],
  products: string[],
  o: CheckoutOptions,
): Promise<ScenarioResult> {
  const id = `checkout@${o.rate}`;
  ctx.log(`${id}: ${o.seconds} s at ${o.rate} orders/s, ${customers.length} customers, then up to ${o.drainSeconds} s for the saga`);
  const busy = customers.map(() => false);
  const accepted: Accepted[] = [];
  const postMs: number[] = [];
  const failures = new ErrorSamples();
  const call = (c: number, path: string, method: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(shop.gatewayUrl(path), {
      method,
      headers: {
        authorization: `Bearer ${customers[c]!.token}`,
        'content-type': 'application/json',
        'x-forwarded-for': clientAddress(5_000 + c),
        ...headers,
      },
      body: JSON.stringify(body),
    });

  const order = async (i: number): Promise<number> => {
    // A customer has one cart: never two checkouts of one customer at once.
    let c = i % customers.length;
    while (busy[c]) c = (c + 1) % customers.length;
    busy[c] = true;
    try {
      const put = await call(c, `/cart/items/${products[i % products.length]!}`, 'PUT', { quantity: 1 });
      const putBody = await put.text();
      if (put.status !== 200) {
        failures.note(`PUT ${put.status}`, putBody);
        return put.status;
      }
      const t0 = performance.now();
      const pay = { paymentMethod: customers[c]!.paymentMethod, shippingAddress: ADDRESS };
      const res = await call(c, '/orders', 'POST', pay, { 'idempotency-key': randomUUID() });
      const text = await res.text();
      postMs.push(performance.now() - t0);
      const orderId = res.status === 202 ? (JSON.parse(text) as { orderId?: string }).orderId : undefined;
      if (orderId) accepted.push({ orderId, customer: c });
      else failures.note(`POST ${res.status}`, text);
      return res.status;
    } finally {
      busy[c] = false;
    }
  };

  // CPU and memory while checkouts are placed; the saga's work that spills into the drain is not in them.
  const sampler = new Sampler(ctx.watched);
  const r = await paced({ rate: o.rate, seconds: o.seconds, run: order, maxInFlight: customers.length });
  const usage = sampler.stop();
  const db = new Client({ connectionString: shop.ordersDbUrl });
  await db.connect();
  try {
    const drainStart = Date.now();
    const byStatus = await drain(ctx, db, accepted, o.drainSeconds * 1000, id);
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const latency = await placedToConfirmed(db, accepted);
    const sample = await apiSample(shop, customers, accepted, byStatus.statusOf);
    const done = SAGA_DONE.reduce((n, s) => n + (byStatus.counts[s] ?? 0), 0);
    return {
      id,
      title: `checkout through the gateway, ${o.rate} orders/s asked`,
      mode: 'fixed',
      rate: o.rate,
      seconds: round(r.seconds),
      requests: r.sent,
      // Over the window checkouts were started in: each starts on schedule or is counted as not sent.
      rps: round(accepted.length / o.seconds, 1),
      latency: roundSummary(summarize(postMs)),
      errors: r.errors,
      skipped: r.skipped,
      statusCodes: r.statusCodes,
      errorSamples: failures.counts,
      usage: roundUsage(usage),
      extra: {
        ordersAccepted: accepted.length,
        ordersPerSecond: round(accepted.length / o.seconds, 1),
        statusesAtEnd: byStatus.counts,
        sagaDone: done,
        notDoneAfterDrain: accepted.length - done,
        drainSeconds: round(drainSeconds, 1),
        placedToConfirmedMs: roundSummary(latency.summary),
        confirmedPerSecond: round(latency.confirmedPerSecond, 1),
        apiSample: sample,
      },
    };
  } finally {
    await db.end();
  }
}

/** Waits until every accepted order has ended its saga in the read model, or the deadline passes. */
async function drain(ctx: BenchContext, db: Client, accepted: Accepted[], ms: number, id: string) {
  const ids = accepted.map((a) => a.orderId);
  const end = Date.now() + ms;
  let lastLog = 0;
  for (;;) {
    const rows = (await db.query<{ id: string; status: string }>('SELECT id, status FROM order_view WHERE id = ANY($1::uuid[])', [ids]))
      .rows;
    const statusOf = new Map(rows.map((r) => [r.id, r.status]));
    const counts: Record<string, number> = {};
    for (const orderId of ids) {
      const s = statusOf.get(orderId) ?? 'not-projected';
      counts[s] = (counts[s] ?? 0) + 1;
    }
    const done = SAGA_DONE.reduce((n, s) => n + (counts[s] ?? 0), 0);
    if (done === ids.length || Date.now() > end) return { counts, statusOf };
    if (Date.now() - lastLog > 10_000) {
      ctx.log(`${id}: saga finished for ${done}/${ids.length} orders ${JSON.stringify(counts)}`);
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** From each confirmed order's timeline: confirmed.at − placed.at, and the rate confirmations came at. */
async function placedToConfirmed(db: Client, accepted: Accepted[]) {
  const rows = (
    await db.query<{ order_id: string; type: string; at: Date }>(
      `SELECT order_id, type, occurred_at AS at FROM order_timeline
        WHERE order_id = ANY($1::uuid[]) AND type IN ('order.placed.v1', 'order.confirmed.v1')`,
      [accepted.map((a) => a.orderId)],
    )
  ).rows;
  const placed = new Map<string, number>();
  const confirmed = new Map<string, number>();
  for (const r of rows) (r.type === 'order.placed.v1' ? placed : confirmed).set(r.order_id, r.at.getTime());
  const samples: number[] = [];
  for (const [orderId, at] of confirmed) {
    const p = placed.get(orderId);
    if (p !== undefined) samples.push(at - p);
  }
  const times = [...confirmed.values()].sort((a, b) => a - b);
  const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : NaN;
  return { summary: summarize(samples), confirmedPerSecond: (times.length - 1) / span };
}

/** The public API must tell the same story as the read model: a few orders, fetched as their owners. */
async function apiSample(shop: BenchShop, customers: Customer[], accepted: Accepted[], statusOf: Map<string, string>) {
  const step = Math.max(1, Math.floor(accepted.length / 20));
  const picked = accepted.filter((_, i) => i % step === 0).slice(0, 20);
  let agree = 0;
  for (const a of picked) {
    const res = await shop.call(`/orders/${a.orderId}`, { token: customers[a.customer]!.token });
    const api = res.status === 200 ? (res.body as { status: string }).status : undefined;
    // The saga may move on between the two reads, never back: an order done in SQL is done in the API.
    if (api !== undefined && (!SAGA_DONE.includes(statusOf.get(a.orderId) ?? '') || SAGA_DONE.includes(api))) agree++;
  }
  return { checked: picked.length, agree };
}
