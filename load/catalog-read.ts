// Scenario 2 for k6 users: one product read four ways, each first at a fixed rate (the latency the
// sidecars add, as Dapr's perf tests measure it), then each at full speed with 32 virtual users.
//   k6 run load/catalog-read.ts            (RATE=500 SECONDS=15 WARMUP_SECONDS=5 by default)
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import type { Options, Scenario } from 'k6/options';
import {
  APP_API_TOKEN,
  CATALOG_APP,
  CATALOG_SIDECAR,
  GATEWAY,
  GATEWAY_SIDECAR,
  SECONDS,
  WARMUP,
  clientAddress,
  someProductId,
} from './lib/shop.ts';
import { TREND_STATS, ms, report, value, type SummaryData } from './lib/summary.ts';

const RATE = Number(__ENV.RATE ?? 500);
const PATHS = ['direct', 'sidecar', 'two_sidecars', 'gateway'] as const;
type PathKey = (typeof PATHS)[number];
const PHASE = WARMUP + SECONDS;

function scenario(path: PathKey, mode: 'fixed' | 'max', slot: number): Scenario {
  const common = { startTime: `${slot * PHASE}s`, duration: `${PHASE}s`, env: { PATH_KEY: path }, tags: { path, mode } };
  return mode === 'fixed'
    ? { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', preAllocatedVUs: 32, maxVUs: 128, ...common }
    : { executor: 'constant-vus', vus: 32, ...common };
}

const measured = (path: PathKey, mode: string) => `http_req_duration{path:${path},mode:${mode},phase:measure}`;

const scenarios: Record<string, Scenario> = {};
PATHS.forEach((p, i) => {
  scenarios[`${p}_fixed`] = scenario(p, 'fixed', i);
  scenarios[`${p}_max`] = scenario(p, 'max', PATHS.length + i);
});

export const options: Options = {
  scenarios,
  summaryTrendStats: TREND_STATS,
  thresholds: {
    http_req_failed: ['rate==0'],
    dropped_iterations: ['count==0'],
    // Listed so that their figures reach handleSummary (the added latency is computed there).
    ...Object.fromEntries(PATHS.map((p) => [measured(p, 'fixed'), ['p(90)<1000']])),
    ...Object.fromEntries(PATHS.filter((p) => p !== 'gateway').map((p) => [measured(p, 'max'), ['p(99)<1000']])),
    [measured('gateway', 'max')]: ['p(99)<50'],
  },
};

export function setup(): { productId: string } {
  return { productId: someProductId() };
}

export default function read(data: { productId: string }): void {
  const path = __ENV.PATH_KEY as PathKey;
  const id = data.productId;
  const url: Record<PathKey, string> = {
    direct: `${CATALOG_APP}/products/${id}`,
    sidecar: `${CATALOG_SIDECAR}/v1.0/invoke/catalog/method/products/${id}`,
    two_sidecars: `${GATEWAY_SIDECAR}/v1.0/invoke/catalog/method/products/${id}`,
    gateway: `${GATEWAY}/products/${id}`,
  };
  const warm = Date.now() - exec.scenario.startTime < WARMUP * 1000;
  const headers: Record<string, string> = { 'x-forwarded-for': clientAddress(exec.vu.idInTest) };
  if (path === 'direct' && APP_API_TOKEN) headers['dapr-api-token'] = APP_API_TOKEN;
  const res = http.get(url[path], { headers, tags: { phase: warm ? 'warmup' : 'measure' } });
  check(res, { 'product 200': (r) => r.status === 200 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const p90 = (p: PathKey) => value(data, measured(p, 'fixed'), 'p(90)');
  const lines = [`product read at ${RATE}/s (p50 / p90 / p99) and at full speed (req/s is over the whole phase):`];
  for (const p of PATHS) {
    const f = measured(p, 'fixed');
    const m = measured(p, 'max');
    lines.push(
      `  ${p.padEnd(13)} fixed ${ms(value(data, f, 'med'))} / ${ms(value(data, f, 'p(90)'))} / ${ms(value(data, f, 'p(99)'))}` +
        `   max ${(value(data, m, 'count') / SECONDS).toFixed(0)} req/s, p99 ${ms(value(data, m, 'p(99)'))}`,
    );
  }
  const added = p90('gateway') - p90('direct');
  const gatewayRps = value(data, measured('gateway', 'max'), 'count') / SECONDS;
  lines.push(
    `two sidecars add ${ms(p90('two_sidecars') - p90('direct'))} p90; the gateway adds ${ms(added)} p90: ${added <= 2 ? 'PASS' : 'MISS'} (≤ 2.00 ms)`,
    `gateway at full speed ${gatewayRps.toFixed(0)} req/s: ${gatewayRps >= 1500 ? 'PASS' : 'MISS'} (≥ 1,500 req/s; p99 < 50 ms is a threshold)`,
  );
  return report(data, lines);
}
