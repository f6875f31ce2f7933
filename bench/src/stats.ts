// Latency statistics from raw samples. autocannon's own histogram records whole milliseconds (its HDR
// histogram has lowestDiscernibleValue 1), too coarse for a sidecar hop worth about a millisecond, so
// every scenario keeps its samples in ms as floats and summarises them here.

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` (q in 0..100); NaN when there are no samples. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** Rounds for printing and for the results file: figures beyond 0.01 ms are noise here. */
export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

/** The first few distinct failures of a scenario (status and the start of the body), with their counts. */
export class ErrorSamples {
  readonly counts: Record<string, number> = {};

  note(status: number | string, body = ''): void {
    const key = `${status} ${body.replace(/\s+/g, ' ').slice(0, 200)}`.trim();
    if (key in this.counts || Object.keys(this.counts).length < 5) this.counts[key] = (this.counts[key] ?? 0) + 1;
  }
}
