// Scenario 3 for k6 users: filtered product searches through the gateway, 32 virtual users at full speed.
//   k6 run load/search.ts
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { GATEWAY, SECONDS, WARMUP, clientAddress } from './lib/shop.ts';
import { TREND_STATS, ms, report, value, type SummaryData } from './lib/summary.ts';

/** Searches a shopper would run: full text, category subtree, price range, in stock, sorted, paged. */
const SEARCHES = [
  '/products?q=headphones&inStock=true&sort=price_asc&limit=20',
  '/products?category=electronics&minPrice=5000&maxPrice=50000&sort=price_desc&limit=20',
  '/products?q=wireless&category=audio&inStock=true&limit=10',
  '/products?category=home&sort=newest&limit=20',
  '/products?q=running%20shoes&maxPrice=20000&sort=relevance&limit=20',
  '/products?category=books&inStock=true&sort=name_asc&limit=50',
];
const MEASURED = 'http_req_duration{phase:measure}';

export const options: Options = {
  scenarios: { search: { executor: 'constant-vus', vus: 32, duration: `${WARMUP + SECONDS}s` } },
  summaryTrendStats: TREND_STATS,
  thresholds: { http_req_failed: ['rate==0'], [MEASURED]: ['p(99)<1000'] },
};

export default function search(): void {
  const warm = Date.now() - exec.scenario.startTime < WARMUP * 1000;
  const i = exec.vu.idInTest + exec.vu.iterationInScenario;
  const res = http.get(`${GATEWAY}${SEARCHES[i % SEARCHES.length]!}`, {
    headers: { 'x-forwarded-for': clientAddress(exec.vu.idInTest) },
    tags: { phase: warm ? 'warmup' : 'measure', name: 'search' },
  });
  check(res, { 'search 200': (r) => r.status === 200 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return report(data, [
    `search through the gateway: ${(value(data, MEASURED, 'count') / SECONDS).toFixed(0)} req/s, ` +
      `p50 ${ms(value(data, MEASURED, 'med'))}, p90 ${ms(value(data, MEASURED, 'p(90)'))}, p99 ${ms(value(data, MEASURED, 'p(99)'))}`,
  ]);
}
