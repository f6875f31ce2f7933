import { ErrorSamples, percentile, summarize } from '../src/stats';

describe('latency statistics', () => {
  it('when percentiles are asked of 1..100 ms, then they are the nearest-rank values', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect([s.p50, s.p90, s.p95, s.p99, s.max, s.count]).toEqual([50, 90, 95, 99, 100, 100]);
    expect(s.mean).toBeCloseTo(50.5);
  });

  it('when sub-millisecond samples are summarised, then their fractions are kept (autocannon rounds to whole ms)', () => {
    expect(summarize([0.4, 1.3, 1.7, 2.2, 2.9]).p50).toBe(1.7);
  });

  it('when there are no samples, then every figure is NaN rather than a made-up zero', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([]).p99).toBeNaN();
  });

  it('when many distinct failures occur, then only the first five kinds are kept, each with its count', () => {
    const e = new ErrorSamples();
    for (let i = 0; i < 10; i++) e.note(500 + i, 'boom');
    e.note(500, 'boom');
    expect(Object.keys(e.counts)).toHaveLength(5);
    expect(e.counts['500 boom']).toBe(2);
  });
});
