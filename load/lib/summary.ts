// handleSummary helpers: k6 replaces its own end-of-test summary with what handleSummary returns, so each
// script prints the figures of its scenarios (and the same JSON k6 would have written, on request).

/** The part of k6's summary data these scripts read (a trend's stats, a counter's count and rate). */
export interface SummaryData {
  metrics: Record<string, { type: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

export const TREND_STATS = ['med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'];

export function value(data: SummaryData, metric: string, stat: string): number {
  return data.metrics[metric]?.values[stat] ?? NaN;
}

export function failedThresholds(data: SummaryData): string[] {
  return Object.entries(data.metrics).flatMap(([name, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([expr]) => `${name}: ${expr}`),
  );
}

/** Lines of text plus the verdict of every threshold; `SUMMARY_JSON=<file>` also writes the raw data. */
export function report(data: SummaryData, lines: string[]): Record<string, string> {
  const failed = failedThresholds(data);
  const text = [...lines, '', failed.length ? `MISS: ${failed.join('; ')}` : 'PASS: every threshold held', ''].join('\n');
  return { stdout: text, ...(__ENV.SUMMARY_JSON ? { [__ENV.SUMMARY_JSON]: JSON.stringify(data, null, 2) } : {}) };
}

export const ms = (n: number): string => `${n.toFixed(2)} ms`;
