// Scenario 4 for k6 users: add-item through the gateway, one customer per virtual user, each request an
// ETag-guarded write of that customer's cart.   k6 run load/cart.ts   (CUSTOMERS=32)
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { GATEWAY, SECONDS, WARMUP, jsonHeaders, newCustomer, stockedProducts, type Customer } from './lib/shop.ts';
import { TREND_STATS, ms, report, value, type SummaryData } from './lib/summary.ts';

const CUSTOMERS = Number(__ENV.CUSTOMERS ?? 32);
const MEASURED = 'http_req_duration{name:cart-add,phase:measure}';

export const options: Options = {
  // setup() signs up every customer first: two scrypt hashes each on the users service.
  setupTimeout: '300s',
  scenarios: { cart: { executor: 'constant-vus', vus: CUSTOMERS, duration: `${WARMUP + SECONDS}s` } },
  summaryTrendStats: TREND_STATS,
  thresholds: { 'http_req_failed{name:cart-add}': ['rate==0'], [MEASURED]: ['p(99)<1000'] },
};

interface Setup {
  customers: Customer[];
  products: string[];
}

export function setup(): Setup {
  return { customers: Array.from({ length: CUSTOMERS }, (_, i) => newCustomer(i)), products: stockedProducts(10) };
}

export default function addItem(data: Setup): void {
  const vu = exec.vu.idInTest - 1;
  const k = exec.vu.iterationInScenario;
  const product = data.products[(vu + k) % data.products.length]!;
  const warm = Date.now() - exec.scenario.startTime < WARMUP * 1000;
  const res = http.put(`${GATEWAY}/cart/items/${product}`, JSON.stringify({ quantity: (k % 3) + 1 }), {
    headers: jsonHeaders(vu, data.customers[vu % data.customers.length]!.token),
    tags: { name: 'cart-add', phase: warm ? 'warmup' : 'measure' },
  });
  check(res, { 'cart 200': (r) => r.status === 200 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return report(data, [
    `cart add-item through the gateway, ${CUSTOMERS} customers: ${(value(data, MEASURED, 'count') / SECONDS).toFixed(0)} req/s, ` +
      `p50 ${ms(value(data, MEASURED, 'med'))}, p90 ${ms(value(data, MEASURED, 'p(90)'))}, p99 ${ms(value(data, MEASURED, 'p(99)'))}`,
  ]);
}
