import { judge, markdown } from '../src/report';
import type { ScenarioResult } from '../src/scenario';

const result = (id: string, rps: number, p90: number, p99 = p90, extra?: Record<string, unknown>): ScenarioResult => ({
  id,
  title: id,
  mode: 'fixed',
  seconds: 10,
  requests: rps * 10,
  rps,
  latency: { count: rps * 10, mean: p90, p50: p90 / 2, p90, p95: p90, p99, max: p99 },
  errors: 0,
  statusCodes: { 200: rps * 10 },
  usage: [{ name: 'gateway', kind: 'app', cpuPercent: 50, peakRssMiB: 100 }],
  ...(extra ? { extra } : {}),
});

describe('the targets', () => {
  it('when the gateway adds 1.5 ms p90 over direct at the fixed rate, then the overhead target passes; at 2.5 ms it misses', () => {
    const base = [result('read-direct@500', 500, 1), result('read-sidecar@500', 500, 1.5), result('read-two-sidecars@500', 500, 2)];
    const ok = judge([...base, result('read-gateway@500', 500, 2.5)], [], [500], 100);
    const miss = judge([...base, result('read-gateway@500', 500, 3.5)], [], [500], 100);
    expect(ok[0]).toMatchObject({ pass: true });
    expect(miss[0]).toMatchObject({ pass: false });
  });

  it('when checkout reaches 100 orders/s but p95 placed→confirmed is 2 s, then throughput passes and latency misses', () => {
    const extra = {
      ordersPerSecond: 101,
      placedToConfirmedMs: { p50: 2000, p95: 2100, p99: 2200, count: 10 },
      notDoneAfterDrain: 0,
      drainSeconds: 3,
    };
    const v = judge([result('checkout@100', 101, 30, 40, extra)], [], [500], 100);
    expect(v.map((x) => x.pass)).toEqual([true, false, true]);
  });

  it('when one sidecar idles at 61 MiB, then the sidecar memory target misses and names it', () => {
    const idle = [
      { name: 'a-daprd', kind: 'sidecar' as const, rssMiB: 40, pssMiB: 30, anonMiB: 20, fileMiB: 20 },
      { name: 'b-daprd', kind: 'sidecar' as const, rssMiB: 61, pssMiB: 40, anonMiB: 30, fileMiB: 31 },
    ];
    const [v] = judge([], idle, [500], 100);
    expect(v).toMatchObject({ pass: false, measured: expect.stringContaining('b-daprd') });
  });

  it('when the report is rendered, then every verdict is printed with PASS or MISS', () => {
    const text = markdown('2 cores', [result('read-direct@500', 500, 1)], [{ target: 't', measured: 'm', pass: false }], []);
    expect(text).toContain('| t | m | MISS |');
  });
});
