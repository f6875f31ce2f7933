// The metrics the dashboards and alerts are built on, from the real thing: the whole shop behind real
// sidecars serves a confirmed and a declined checkout, then every app's /metrics (on its operations port)
// and every sidecar's metrics port is scraped. Every metric a dashboard query or an alerting rule names
// must be among them (a renamed Dapr metric would otherwise leave a panel empty and an alert silent), and
// the checkout funnel counters of orders must count what happened.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';
import { CARDS, Shop, TERMINAL } from '../e2e/support/shop';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(l)!;
      const labels = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: Number(m[4]) };
    });
}

const NOT_METRICS = new Set(
  'sum min max avg count rate irate increase delta histogram_quantile vector scalar abs clamp_min clamp_max by without on ignoring group_left group_right and or unless bool offset topk bottomk absent label_replace time'.split(
    ' ',
  ),
);

/** Metric names in a PromQL expression (Grafana variables allowed); recorded series keep their colons. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/\b\d+(\.\d+)?(ms|[smhdwy])?\b/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .filter((m) => !/^\s*\(/.test(bare.slice(m.index + m[0].length)) && !NOT_METRICS.has(m[0]))
    .map((m) => m[0]);
}

const rules = parse(fs.readFileSync(path.join(repoRoot, 'monitoring', 'rules', 'shop.rules.yml'), 'utf8')) as {
  groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
};
const ruleList = rules.groups.flatMap((g) => g.rules);
const recorded = new Set(ruleList.flatMap((r) => (r.record ? [r.record] : [])));
const dashboardDir = path.join(repoRoot, 'monitoring', 'dashboards');
const panels = fs
  .readdirSync(dashboardDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap(
    (f) =>
      (
        JSON.parse(fs.readFileSync(path.join(dashboardDir, f), 'utf8')) as {
          panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
        }
      ).panels,
  )
  .filter((p) => p.type !== 'row');
// Made by Prometheus itself, not by a target.
const SYNTHETIC = new Set(['up']);

let shop: Shop;
const scraped = new Map<string, Sample[]>();
let dropsAfterCheckouts = 0;
let ordersDropsBefore = 0;

const scrape = async (url: string) => {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return samples(await res.text());
};
const sidecarUrl = (appId: string) => `http://127.0.0.1:${shop.stack.get(appId).ports.metrics}/`;
const ordersTopicDrops = (s: Sample[]) =>
  s
    .filter((x) => x.name === 'dapr_component_pubsub_ingress_count' && x.labels.process_status === 'drop' && x.labels.topic === 'orders')
    .reduce((n, x) => n + x.value, 0);

beforeAll(async () => {
  shop = await Shop.start();
  const admin = await shop.admin();
  const product = await shop.product(admin, 10);
  const me = await shop.customer();
  const confirmed = await shop.order(me.token, product.id, 1, await shop.paymentMethod(me.token, CARDS.ok));
  const declined = await shop.order(me.token, product.id, 1, await shop.paymentMethod(me.token, CARDS.declined));
  await shop.until(me.token, confirmed.body.orderId, (s) => s === 'shipped');
  await shop.until(me.token, declined.body.orderId, TERMINAL);
  const apps = loadRunFile().apps;
  for (const a of apps)
    dropsAfterCheckouts += (await scrape(sidecarUrl(a.appID)))
      .filter((x) => x.labels.process_status === 'drop')
      .reduce((n, x) => n + x.value, 0);

  // One event that can never succeed (its data breaks the schema): orders' own subscriber drops it.
  ordersDropsBefore = ordersTopicDrops(await scrape(sidecarUrl('orders')));
  const bad = await fetch(`${shop.stack.get('orders').daprUrl}/v1.0/publish/pubsub/orders?metadata.cloudevent.type=order.placed.v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...shop.stack.daprHeaders('orders') },
    body: JSON.stringify({ orderId: 'not-a-uuid' }),
  });
  if (bad.status !== 204) throw new Error(`publish: ${bad.status} ${await bad.text()}`);
  const end = Date.now() + 15_000;
  while (ordersTopicDrops(await scrape(sidecarUrl('orders'))) === ordersDropsBefore && Date.now() < end)
    await new Promise((r) => setTimeout(r, 200));

  for (const a of apps) {
    scraped.set(`${a.appID} sidecar`, await scrape(sidecarUrl(a.appID)));
    if (a.command) scraped.set(`${a.appID} app`, await scrape(`${shop.stack.get(a.appID).opsUrl}/metrics`));
  }
}, 180_000);
afterAll(async () => {
  await shop?.stop();
});

describe('metrics the dashboards and alerts use', () => {
  it('when a query is read, then exactly its metric names are found (not functions, labels, durations or variables)', () => {
    const expr =
      'histogram_quantile(0.99, sum by (service, le) (rate(http_x_bucket{service=~"$service", route!~"/a|b"}[$__rate_interval]))) / on (service) rec:ratio:rate5m offset 5m > bool 0.5 and up';
    expect(metricNames(expr)).toEqual(['http_x_bucket', 'rec:ratio:rate5m', 'up']);
  });

  it('when every app and sidecar is scraped, then each answers with its own metrics', () => {
    for (const a of loadRunFile().apps) {
      const sidecar = scraped.get(`${a.appID} sidecar`)!;
      expect({
        app: a.appID,
        dapr: sidecar.some((s) => s.name === 'dapr_http_server_request_count' && s.labels.app_id === a.appID),
      }).toEqual({ app: a.appID, dapr: true });
      if (!a.command) continue;
      const app = scraped.get(`${a.appID} app`)!;
      expect({
        app: a.appID,
        red: app.some((s) => s.name === 'http_server_request_duration_seconds_count' && s.labels.service === a.appID),
      }).toEqual({ app: a.appID, red: true });
    }
  });

  it('when the shop has served checkouts, then every metric named by a dashboard panel or an alerting rule is exposed', () => {
    const exposed = new Set([...scraped.values()].flatMap((s) => s.map((x) => x.name)));
    const uses = [
      ...ruleList.map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
      ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.title}`, expr: t.expr }))),
    ];
    const missing = uses.flatMap((u) =>
      metricNames(u.expr)
        .filter((n) => !exposed.has(n) && !recorded.has(n) && !SYNTHETIC.has(n))
        .map((n) => `${u.where}: ${n}`),
    );
    expect(missing).toEqual([]);
    // Every panel has a query, and every recorded series a dashboard reads is defined by a rule.
    expect(panels.filter((p) => !p.targets?.length).map((p) => p.title)).toEqual([]);
    process.stdout.write(
      `[metrics] ${panels.length} panels and ${ruleList.length} rules checked against ${exposed.size} exposed metric names\n`,
    );
  });

  it('when one order is confirmed and one declined, then the funnel counters of orders count exactly those', () => {
    const orders = scraped.get('orders app')!;
    const value = (name: string, labels: Record<string, string> = {}) =>
      orders.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('orders_placed_total')).toBe(2);
    expect(value('orders_confirmed_total')).toBe(1);
    expect(value('orders_cancelled_total', { reason: 'payment-declined' })).toBe(1);
    // Every other reason is there, at zero, before it first happens.
    expect(value('orders_cancelled_total', { reason: 'out-of-stock' })).toBe(0);
  });

  it('when a subscriber drops an event, then the series the dead-letter alert watches counts it', () => {
    expect(ordersTopicDrops(scraped.get('orders sidecar')!)).toBe(ordersDropsBefore + 1);
  });

  // With a dead-letter topic, Dapr 1.18 dead-letters every event no route of a subscription matches, so
  // the kit's subscriptions acknowledge unhandled types on a default route instead.
  it('when checkouts complete normally, then no sidecar drops or dead-letters anything', () => {
    expect(dropsAfterCheckouts).toBe(0);
  });
});
