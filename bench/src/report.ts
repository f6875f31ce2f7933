// The targets of issue 7, judged from one run's results, and the Markdown printed at the end.
import type { IdleRss, Usage } from './procstat';
import type { ScenarioResult } from './scenario';
import type { Summary } from './stats';

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

const find = (results: ScenarioResult[], id: string) => results.find((r) => r.id === id);
const ms = (n: number) => `${n.toFixed(2)} ms`;
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${ms(Math.abs(n))}`;

export function judge(results: ScenarioResult[], idle: IdleRss[], fixedRates: number[], orderRate: number): Verdict[] {
  const out: Verdict[] = [];
  for (const rate of fixedRates) {
    const fixed = ['direct', 'sidecar', 'two-sidecars', 'gateway'].map((k) => find(results, `read-${k}@${rate}`));
    const [direct, , two, gateway] = fixed;
    if (!direct || !two || !gateway) continue;
    const failures = fixed.reduce((n, r) => n + (r ? r.errors + (r.skipped ?? 0) : 0), 0);
    for (const [label, r] of [
      ['gateway (one hop pair + the gateway app)', gateway],
      ['two sidecars alone (Dapr perf-test bar)', two],
    ] as const) {
      const added = r.latency.p90 - direct.latency.p90;
      out.push({
        target: `${label}: ≤ 2.0 ms p90 over direct at ${rate}/s, zero errors`,
        measured: `${signed(added)} p90 (${ms(r.latency.p90)} vs ${ms(direct.latency.p90)}), ${signed(r.latency.p50 - direct.latency.p50)} p50; ${failures} errors`,
        pass: added <= 2.0 && failures === 0,
      });
    }
  }
  const gw = find(results, 'read-gateway@max');
  const ceiling = find(results, 'ceiling');
  if (gw) {
    const ratio = ceiling ? ` = ${((gw.rps / ceiling.rps) * 100).toFixed(1)} % of bare Koa (${ceiling.rps} req/s)` : '';
    out.push({
      target: 'catalog read through the gateway: ≥ 1,500 req/s with p99 < 50 ms, no errors',
      measured: `${gw.rps} req/s${ratio}, p99 ${ms(gw.latency.p99)}, ${gw.errors} errors`,
      pass: gw.rps >= 1500 && gw.latency.p99 < 50 && gw.errors === 0,
    });
  }
  const co = find(results, `checkout@${orderRate}`);
  if (co?.extra) {
    const x = co.extra as { ordersPerSecond: number; placedToConfirmedMs: Summary; notDoneAfterDrain: number; drainSeconds: number };
    out.push({
      target: `checkout: ≥ ${orderRate} orders/s sustained, every checkout accepted`,
      measured: `${x.ordersPerSecond} orders/s accepted; ${co.errors} failed, ${co.skipped ?? 0} not sent (all customers busy)`,
      pass: x.ordersPerSecond >= orderRate && co.errors === 0 && !co.skipped,
    });
    out.push({
      target: 'checkout: p95 placed→confirmed < 500 ms',
      measured: `p50 ${ms(x.placedToConfirmedMs.p50)}, p95 ${ms(x.placedToConfirmedMs.p95)}, p99 ${ms(x.placedToConfirmedMs.p99)} (${x.placedToConfirmedMs.count} confirmed)`,
      pass: x.placedToConfirmedMs.p95 < 500,
    });
    out.push({
      target: 'checkout: zero lost orders (every accepted order confirmed or cancelled)',
      measured: `${x.notDoneAfterDrain} not finished ${x.drainSeconds} s after the last checkout`,
      pass: x.notDoneAfterDrain === 0,
    });
  }
  for (const [kind, limit] of [
    ['sidecar', 60],
    ['app', 150],
  ] as const) {
    const rows = idle.filter((r) => r.kind === kind);
    if (!rows.length) continue;
    const worst = rows.reduce((a, b) => (b.rssMiB > a.rssMiB ? b : a));
    out.push({
      target: `idle after the run: each ${kind === 'app' ? 'service' : 'sidecar'} < ${limit} MiB RSS`,
      measured:
        `largest ${worst.name} ${worst.rssMiB.toFixed(1)} MiB (${worst.anonMiB.toFixed(1)} private + ${worst.fileMiB.toFixed(1)} mapped files; ` +
        `PSS ${worst.pssMiB.toFixed(1)}); ` +
        `over: ${
          rows
            .filter((r) => r.rssMiB >= limit)
            .map((r) => r.name)
            .join(', ') || 'none'
        }`,
      pass: rows.every((r) => r.rssMiB < limit),
    });
  }
  return out;
}

const table = (head: string[], rows: Array<Array<string | number>>) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** CPU time the shop (apps, sidecars, Redis, PostgreSQL) spent per request beyond its idle work, in ms. */
export function cpuMsPerRequest(r: ScenarioResult, baseline: Usage[] = []): number {
  const idle = (name: string) => baseline.find((b) => b.name === name)?.cpuPercent ?? 0;
  const shop = r.usage.filter((u) => u.kind === 'app' || u.kind === 'sidecar' || u.kind === 'server');
  const percent = shop.reduce((n, u) => n + Math.max(0, u.cpuPercent - idle(u.name)), 0);
  return ((percent / 100) * (r.seconds * 1000)) / Math.max(1, r.requests);
}

/** Share of one core used by processes outside this run (other people's tests, the kernel's own work). */
const otherCpu = (r: ScenarioResult) => r.usage.find((u) => u.name === 'everything else')?.cpuPercent ?? 0;

export function markdown(machine: string, results: ScenarioResult[], verdicts: Verdict[], idle: IdleRss[], baseline: Usage[] = []): string {
  const n = (i: number) => `S${i + 1}`;
  const parts = [`Machine: ${machine}`, ''];
  parts.push(
    table(
      ['#', 'scenario', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'shop CPU ms/req', 'other load, % of a core'],
      results.map((r, i) => [
        n(i),
        r.title,
        r.rps,
        r.latency.p50.toFixed(2),
        r.latency.p90.toFixed(2),
        r.latency.p99.toFixed(2),
        r.errors + (r.skipped ? ` (+${r.skipped} not sent)` : ''),
        cpuMsPerRequest(r, baseline).toFixed(2),
        otherCpu(r).toFixed(0) + (otherCpu(r) > 25 ? ' (disturbed)' : ''),
      ]),
    ),
  );
  parts.push(
    '',
    table(
      ['target', 'measured', ''],
      verdicts.map((v) => [v.target, v.measured, v.pass ? 'PASS' : 'MISS']),
    ),
  );
  for (const r of results.filter((x) => x.id.startsWith('checkout'))) {
    const x = r.extra as { placedToConfirmedMs: Summary; statusesAtEnd: Record<string, number>; confirmedPerSecond: number };
    const l = x.placedToConfirmedMs;
    parts.push(
      '',
      `${r.id}: ${r.rps} orders/s accepted; placed→confirmed p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms; ` +
        `confirmations came at ${x.confirmedPerSecond}/s; statuses at the end ${JSON.stringify(x.statusesAtEnd)}`,
    );
  }
  const failed = results.filter((r) => r.errorSamples && Object.keys(r.errorSamples).length);
  if (failed.length) {
    parts.push('', 'Failures (first kinds, with counts):', '');
    for (const r of failed) for (const [k, c] of Object.entries(r.errorSamples!)) parts.push(`- ${r.id}: ${c} × ${k}`);
  }
  const names = results[0]?.usage.map((u) => u.name) ?? [];
  const cell = (r: ScenarioResult, name: string, f: (u: ScenarioResult['usage'][number]) => string) => {
    const u = r.usage.find((x) => x.name === name);
    return u ? f(u) : '';
  };
  parts.push('', 'CPU, % of one core, with no load at all and during each scenario:', '');
  parts.push(
    table(
      ['process', 'no load', ...results.map((_, i) => n(i))],
      names.map((p) => [
        p,
        baseline.find((b) => b.name === p)?.cpuPercent.toFixed(0) ?? '',
        ...results.map((r) => cell(r, p, (u) => u.cpuPercent.toFixed(0))),
      ]),
    ),
  );
  parts.push(
    '',
    'Peak RSS, MiB, during each scenario; at idle after the run: RSS = anon (private) + file (mapped binary, shared), and PSS:',
    '',
  );
  parts.push(
    table(
      ['process', ...results.map((_, i) => n(i)), 'idle RSS', 'anon', 'file', 'PSS'],
      names.map((p) => {
        const i = idle.find((x) => x.name === p);
        return [
          p,
          ...results.map((r) => cell(r, p, (u) => (u.kind === 'machine' ? '' : u.peakRssMiB.toFixed(0)))),
          ...(i ? [i.rssMiB, i.anonMiB, i.fileMiB, i.pssMiB].map((x) => x.toFixed(0)) : ['', '', '', '']),
        ];
      }),
    ),
  );
  return parts.join('\n') + '\n';
}
