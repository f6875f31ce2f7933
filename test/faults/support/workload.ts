// One case of the fault suite: a stream of checkouts at a fixed rate, one fault injected into it, then,
// with no operator action, the shop's books checked against what the customers did. Every checkout goes
// through the public entry (the ingress sidecar), as a careful client: it retries what failed with the
// same Idempotency-Key until it is accepted.
import { randomUUID } from 'node:crypto';
import { ADDRESS, CARDS, type Shop, type Json, type Reply } from '../../e2e/support/shop';

/** 60 checkouts, one every 500 ms: 30 s of traffic. */
export const CHECKOUTS = 60;
const INTERVAL_MS = 500;
/** The fault starts this long into the stream, so it meets checkouts before, during and after it. */
export const FAULT_AT_MS = 5_000;
/** Every accepted order must be terminal this long after the last acceptance. */
const SETTLE_MS = 180_000;
/** A client gives up on a checkout (counted as refused) this long after its first attempt. */
const CLIENT_PATIENCE_MS = 150_000;
const PRICE = 1999;

/**
 * Each case's three products and who buys them, interleaved in the stream: 40 good cards on a product
 * with exactly 40 units (all ship), 10 declined cards on one with 10 units (all cancelled, the units
 * released), 10 good cards on one whose units were written off after they put it in their carts (the cart
 * refuses what is not in stock; all cancelled for want of stock). So the outcome of every order is known
 * in advance, whatever the fault does to the timing.
 */
type Kind = 'ship' | 'declined' | 'noStock';
const PATTERN: Kind[] = ['ship', 'ship', 'declined', 'ship', 'noStock', 'ship'];
const EXPECTED: Record<Kind, string> = { ship: 'shipped', declined: 'cancelled:payment-declined', noStock: 'cancelled:out-of-stock' };
const STOCK: Record<Kind, number> = { ship: 40, declined: 10, noStock: 10 };
/** What each product holds once the carts are filled: the out-of-stock product's units are written off. */
const ON_HAND: Record<Kind, number> = { ship: 40, declined: 10, noStock: 0 };

export interface Buyer {
  token: string;
  paymentMethod: string;
  card: 'ok' | 'declined';
  /** The buyer's orders seen so far (to find the ones a case made). */
  known: Set<string>;
}

/** 50 customers with good cards and 10 with declined ones, for all the cases of a file. */
export async function crowd(shop: Shop): Promise<Buyer[]> {
  const cards = [...Array<'ok'>(50).fill('ok'), ...Array<'declined'>(10).fill('declined')];
  const buyers: Buyer[] = [];
  for (let i = 0; i < cards.length; i += 6) {
    buyers.push(
      ...(await Promise.all(
        cards.slice(i, i + 6).map(async (card) => {
          const me = await shop.customer();
          return { token: me.token, paymentMethod: await shop.paymentMethod(me.token, CARDS[card]), card, known: new Set<string>() };
        }),
      )),
    );
  }
  return buyers;
}

/** A fault: `inject` starts it and resolves when it is over (a kill at once; a stall or a restart when it ends). */
export interface Fault {
  name: string;
  inject(): Promise<void>;
}

export interface Row {
  fault: string;
  orders: number;
  accepted: number;
  terminal: number;
  lost: number;
  duplicates: number;
  /** Checkouts a client saw refused with a 4xx other than the retryable ones, or never accepted. */
  refused: number;
  /** Orders whose end differs from what its card and stock make certain. */
  wrong: number;
  shippedAndCancelled: number;
  stockDelta: number;
  /** Captured minus what the shipped orders cost, in cents; refunds and captures of cancelled orders count. */
  moneyDelta: number;
  /** Orders whose history differs after a rebuild from the event store. */
  rebuildDiffs: number;
  /** Retries the clients needed (failed attempts). */
  retries: number;
  /** From the end of the fault until every order whose checkout began before it was terminal. */
  recoverySeconds: number;
  notes: string[];
}

interface Slot {
  kind: Kind;
  buyer: Buyer;
  startedAt: number;
  orderId?: string;
  acceptedAt?: number;
  refusal?: string;
  order?: Json;
  terminalAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const retryable = (r: Reply) => r.status === 0 || r.status >= 500 || r.status === 429;

export async function runCase(shop: Shop, admin: string, buyers: Buyer[], fault: Fault): Promise<Row> {
  const notes: string[] = [];
  const products = {} as Record<Kind, string>;
  for (const kind of Object.keys(STOCK) as Kind[]) products[kind] = (await shop.product(admin, STOCK[kind], PRICE)).id;
  const ok = buyers.filter((b) => b.card === 'ok');
  const declined = buyers.filter((b) => b.card === 'declined');
  const next = { ship: 0, noStock: 40, declined: 0 };
  const slots: Slot[] = Array.from({ length: CHECKOUTS }, (_, i) => {
    const kind = PATTERN[i % PATTERN.length]!;
    const buyer = kind === 'declined' ? declined[next.declined++]! : ok[next[kind]++]!;
    return { kind, buyer, startedAt: 0 };
  });
  let retries = 0;

  /** Calls until the answer is not an outage's (5xx, 429, no answer). */
  const persist = async (slot: Slot, call: () => Promise<Reply>): Promise<Reply> => {
    for (;;) {
      const r = await call().catch((e: unknown) => ({ status: 0, headers: new Headers(), body: String(e) }));
      if (!retryable(r) || Date.now() - slot.startedAt > CLIENT_PATIENCE_MS) return r;
      retries++;
      const after = Number(r.headers.get('retry-after'));
      await sleep(after > 0 ? Math.min(after, 5) * 1000 : 500);
    }
  };
  const fillCart = async (slot: Slot): Promise<boolean> => {
    const { token } = slot.buyer;
    const empty = await persist(slot, () => shop.call('/cart', { method: 'DELETE', token, via: 'ingress' }));
    const put = await persist(slot, () =>
      shop.call(`/cart/items/${products[slot.kind]}`, { method: 'PUT', token, via: 'ingress', body: { quantity: 1 } }),
    );
    if (empty.status < 300 && put.status === 200) return true;
    slot.refusal = `cart ${empty.status}/${put.status} ${JSON.stringify(put.body?.type ?? put.body)}`;
    return false;
  };
  const checkout = async (slot: Slot): Promise<void> => {
    const { token } = slot.buyer;
    if (slot.kind !== 'noStock' && !(await fillCart(slot))) return;
    const key = randomUUID();
    const placed = await persist(slot, () =>
      shop.call('/orders', {
        method: 'POST',
        token,
        via: 'ingress',
        headers: { 'idempotency-key': key },
        body: { paymentMethod: slot.buyer.paymentMethod, shippingAddress: ADDRESS },
      }),
    );
    // A 202 must name the order: one that does not is counted as refused (the case fails, and says why).
    if (placed.status !== 202 || typeof placed.body?.orderId !== 'string')
      slot.refusal = `checkout ${placed.status} ${JSON.stringify(placed.body?.type ?? placed.body ?? 'with no body')}`;
    else [slot.orderId, slot.acceptedAt] = [placed.body.orderId as string, Date.now()];
  };

  // The out-of-stock product goes in its buyers' carts first; then its units are written off.
  await Promise.all(slots.filter((s) => s.kind === 'noStock').map((s) => ((s.startedAt = Date.now()), fillCart(s))));
  const writeOff = await shop.call(`/products/${products.noStock}/stock`, { method: 'PUT', token: admin, body: { onHand: 0 } });
  if (writeOff.status !== 200) throw new Error(`write-off: ${writeOff.status} ${JSON.stringify(writeOff.body)}`);

  // The stream, with the fault injected into it, and every accepted order followed until terminal, as its
  // customer sees it.
  const t0 = Date.now();
  let faultEnd = 0;
  const injecting = (async () => {
    await sleep(FAULT_AT_MS);
    await fault.inject();
    faultEnd = Date.now();
  })();
  let placed = false;
  const placing = Promise.all(
    slots.map(async (slot, i) => {
      await sleep(t0 + i * INTERVAL_MS - Date.now());
      slot.startedAt = Date.now();
      await checkout(slot);
    }),
  ).then(() => (placed = true));
  const following = (async () => {
    for (;;) {
      const open = slots.filter((s) => s.orderId && !s.terminalAt);
      if (placed && !open.length) return;
      const settleBy = Math.max(0, ...slots.map((s) => s.acceptedAt ?? 0), faultEnd) + SETTLE_MS;
      if (placed && Date.now() > settleBy) return;
      await inBatches(open, 6, async (s) => {
        const r = await shop.call(`/orders/${s.orderId}`, { token: s.buyer.token, via: 'ingress' }).catch(() => undefined);
        if (r?.status === 200 && ['shipped', 'cancelled'].includes(r.body.status)) [s.order, s.terminalAt] = [r.body, Date.now()];
      });
      await sleep(1_000);
    }
  })();
  await Promise.all([injecting, placing, following]);
  const accepted = slots.filter((s) => s.orderId);
  const terminal = accepted.filter((s) => s.terminalAt);

  // One order per checkout, whatever the retries: each buyer's new orders.
  let duplicates = 0;
  await inBatches(slots, 6, async (s) => {
    const items = await allOrders(shop, s.buyer.token);
    const fresh = items.filter((id) => !s.buyer.known.has(id));
    if (fresh.length > 1) {
      duplicates += fresh.length - 1;
      notes.push(`buyer of ${s.orderId} has ${fresh.length} new orders`);
    }
    for (const id of items) s.buyer.known.add(id);
  });

  const outcome = (o: Json) => (o.status === 'cancelled' ? `cancelled:${o.cancelReason}` : o.status);
  const wrong = terminal.filter((s) => outcome(s.order) !== EXPECTED[s.kind]);
  for (const s of wrong) notes.push(`${s.kind} order ${s.orderId} ended ${outcome(s.order)}`);
  const types = (o: Json) => new Set((o.timeline as Json[]).map((e) => String(e.type)));
  const both = terminal.filter((s) => types(s.order).has('order.shipped.v1') && types(s.order).has('order.cancelled.v1'));

  // Stock: the shipped units are gone, every cancelled order's reservation released (that may lag a little).
  const shippedOf = (kind: Kind) => terminal.filter((s) => s.kind === kind && s.order.status === 'shipped').length;
  const stockDelta = async () => {
    let delta = 0;
    for (const kind of Object.keys(STOCK) as Kind[]) delta += (await shop.available(products[kind])) - (ON_HAND[kind] - shippedOf(kind));
    return delta;
  };
  let stock = await stockDelta();
  for (const end = Date.now() + 60_000; stock !== 0 && Date.now() < end; stock = await stockDelta()) await sleep(500);

  // Money: one capture per shipped order, none left standing for a cancelled one. A capture follows the
  // order's confirmation, which ships it too: it may land a moment after the order reads shipped.
  const money = async (): Promise<{ delta: number; standing: string[] }> => {
    let delta = 0;
    const standing: string[] = [];
    await inBatches(terminal, 6, async (s) => {
      const r = await shop.call(`/admin/payments/${s.orderId}`, { token: admin });
      const history = (r.status === 200 ? r.body.history : []) as Json[];
      const captured = history.filter((h) => h.status === 'captured').length;
      const refunded = history.filter((h) => h.status === 'refunded').length;
      const shipped = s.order.status === 'shipped';
      delta += (captured - refunded - (shipped ? 1 : 0)) * PRICE;
      if (!shipped && r.status === 200 && ['authorized', 'captured'].includes(r.body.status)) {
        delta += PRICE;
        standing.push(`cancelled order ${s.orderId} left its payment ${r.body.status}`);
      }
    });
    return { delta, standing };
  };
  let paid = await money();
  for (const end = Date.now() + 60_000; paid.delta !== 0 && Date.now() < end; paid = await money()) await sleep(500);
  const moneyDelta = paid.delta;
  notes.push(...paid.standing);

  // The read model is what the events say: rebuilt from the event store, no order's history changes.
  // Compared as JSON values, whatever their key order: an order not yet projected is answered from its
  // events (read-your-writes), whose objects come back from the state store in another key order than
  // the read model's jsonb columns give.
  const before = new Map(terminal.map((s) => [s.orderId!, canonical(s.order)]));
  // The rebuild runs in the background: started (202), then followed until it has ended.
  const started = await shop.call('/admin/orders/read-model/rebuild', { method: 'POST', token: admin, body: {} });
  let rebuilt = started;
  for (const end = Date.now() + 120_000; started.status === 202 && Date.now() < end; await sleep(500)) {
    rebuilt = await shop.call('/admin/orders/read-model/rebuild', { token: admin });
    if (rebuilt.status === 200 && rebuilt.body.state !== 'running') break;
  }
  const rebuildOk = started.status === 202 && rebuilt.body?.state === 'succeeded';
  if (!rebuildOk) notes.push(`rebuild: ${started.status}, then ${rebuilt.status} ${JSON.stringify(rebuilt.body)}`);
  let rebuildDiffs = 0;
  await inBatches(terminal, 6, async (s) => {
    const r = await shop.call(`/orders/${s.orderId}`, { token: s.buyer.token });
    if (canonical(r.body) !== before.get(s.orderId!)) {
      rebuildDiffs++;
      notes.push(`order ${s.orderId} changed in the rebuild: ${changes(JSON.parse(before.get(s.orderId!)!), r.body)}`);
    }
  });

  const affected = terminal.filter((s) => s.startedAt < faultEnd);
  const recovered = Math.max(faultEnd, ...affected.map((s) => s.terminalAt!));
  for (const s of slots.filter((x) => x.refusal)) notes.push(`refused: ${s.refusal}`);
  return {
    fault: fault.name,
    orders: CHECKOUTS,
    accepted: accepted.length,
    terminal: terminal.length,
    lost: accepted.length - terminal.length,
    duplicates,
    refused: slots.filter((s) => s.refusal).length,
    wrong: wrong.length,
    shippedAndCancelled: both.length,
    stockDelta: stock,
    moneyDelta,
    rebuildDiffs: rebuildDiffs + (rebuildOk ? 0 : 1),
    retries,
    recoverySeconds: Math.round((recovered - faultEnd) / 100) / 10,
    notes,
  };
}

/** JSON text with every object's keys sorted: equal for equal JSON values. */
function canonical(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, x]) => [k, sorted(x)]),
          )
        : v;
  return JSON.stringify(sorted(value));
}

/** What differs between two readings of an order, field by field (timeline entries by version). */
function changes(was: Json, now: Json): string {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(was ?? {}), ...Object.keys(now ?? {})])) {
    if (k === 'timeline') continue;
    if (canonical(was?.[k]) !== canonical(now?.[k])) out.push(`${k} ${JSON.stringify(was?.[k])} → ${JSON.stringify(now?.[k])}`);
  }
  const byVersion = (o: Json) => new Map(((o?.timeline ?? []) as Json[]).map((e) => [e.version as number, canonical(e)]));
  const [a, b] = [byVersion(was), byVersion(now)];
  for (const v of new Set([...a.keys(), ...b.keys()]))
    if (a.get(v) !== b.get(v)) out.push(`timeline v${v} ${a.get(v) ?? 'none'} → ${b.get(v) ?? 'none'}`);
  return out.join('; ');
}

async function allOrders(shop: Shop, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const r: Reply = await shop.call(`/orders?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    if (r.status !== 200) throw new Error(`list orders: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(...(r.body.items as Json[]).map((o) => String(o.id)));
    cursor = r.body.nextCursor;
  } while (cursor);
  return ids;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** The fault table, one row per case (markdown). */
export function table(rows: Row[]): string {
  const head = [
    'fault',
    'orders',
    'accepted',
    'terminal',
    'lost',
    'duplicates',
    'refused',
    'wrong end',
    'shipped+cancelled',
    'stock delta',
    'money delta',
    'read model ≠ rebuild',
    'client retries',
    'recovery s',
  ];
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [
    line(head),
    line(head.map(() => '---')),
    ...rows.map((r) =>
      line([
        r.fault,
        r.orders,
        r.accepted,
        r.terminal,
        r.lost,
        r.duplicates,
        r.refused,
        r.wrong,
        r.shippedAndCancelled,
        r.stockDelta,
        r.moneyDelta,
        r.rebuildDiffs,
        r.retries,
        r.recoverySeconds,
      ]),
    ),
  ].join('\n');
}
