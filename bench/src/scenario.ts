// What every scenario reports, and the two ways one is driven: at full speed (autocannon) or at a fixed
// rate (paced). Both warm up first and throw the warm-up away; CPU and memory are sampled only while the
// measured part runs.
import { cannon, type CannonOptions } from './cannon';
import { paced, type Operation } from './paced';
import { Sampler, type Usage, type Watched } from './procstat';
import { round, summarize, type ErrorSamples, type Summary } from './stats';

export interface ScenarioResult {
  id: string;
  title: string;
  mode: 'max' | 'fixed';
  /** Fixed mode: the rate asked for (operations/s). */
  rate?: number;
  /** Max mode: concurrent connections. */
  connections?: number;
  seconds: number;
  requests: number;
  rps: number;
  /** ms */
  latency: Summary;
  errors: number;
  /** Fixed mode: operations not started because too many were still in flight. */
  skipped?: number;
  statusCodes: Record<string, number>;
  /** The first distinct failures: status and the start of the body. */
  errorSamples?: Record<string, number>;
  usage: Usage[];
  extra?: Record<string, unknown>;
}

export interface BenchContext {
  watched: Watched[];
  /** Whether a scenario id is selected (BENCH_ONLY). */
  want: (id: string) => boolean;
  warmupSeconds: number;
  seconds: number;
  log: (line: string) => void;
}

export function roundSummary(s: Summary): Summary {
  return {
    count: s.count,
    mean: round(s.mean),
    p50: round(s.p50),
    p90: round(s.p90),
    p95: round(s.p95),
    p99: round(s.p99),
    max: round(s.max),
  };
}

export function roundUsage(u: Usage[]): Usage[] {
  return u.map((x) => ({ ...x, cpuPercent: round(x.cpuPercent, 1), peakRssMiB: round(x.peakRssMiB, 1) }));
}

export async function atMax(
  ctx: BenchContext,
  id: string,
  title: string,
  options: Omit<CannonOptions, 'seconds'>,
): Promise<ScenarioResult> {
  ctx.log(`${id}: warm-up ${ctx.warmupSeconds} s, then ${ctx.seconds} s at full speed, ${options.connections} connections`);
  await cannon({ ...options, seconds: ctx.warmupSeconds });
  const sampler = new Sampler(ctx.watched);
  const r = await cannon({ ...options, seconds: ctx.seconds });
  const usage = sampler.stop();
  return {
    id,
    title,
    mode: 'max',
    connections: options.connections,
    seconds: round(r.seconds),
    requests: r.requests,
    rps: round(r.rps, 0),
    latency: roundSummary(summarize(r.latencies)),
    errors: r.errors,
    statusCodes: r.statusCodes,
    errorSamples: r.errorSamples,
    usage: roundUsage(usage),
  };
}

/** The shop with no load at all: its own background work (health probes, crons, heartbeats). */
export async function idleBaseline(ctx: BenchContext, seconds: number): Promise<Usage[]> {
  ctx.log(`baseline: ${seconds} s without load`);
  const sampler = new Sampler(ctx.watched);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return roundUsage(sampler.stop());
}

export interface RatePath {
  id: string;
  title: string;
  run: Operation;
  failures: ErrorSamples;
}

interface Acc {
  sent: number;
  ok: number;
  errors: number;
  skipped: number;
  codes: Record<string, number>;
  latencies: number[];
  slices: Array<{ seconds: number; usage: Usage[] }>;
}

/** One path's CPU and peak memory over several slices: CPU weighted by each slice's length, peak the max. */
function mergeUsage(slices: Array<{ seconds: number; usage: Usage[] }>): Usage[] {
  const total = slices.reduce((n, s) => n + s.seconds, 0);
  return slices[0]!.usage.map((u, k) => ({
    ...u,
    cpuPercent: slices.reduce((n, s) => n + s.usage[k]!.cpuPercent * s.seconds, 0) / total,
    peakRssMiB: Math.max(...slices.map((s) => s.usage[k]!.peakRssMiB)),
  }));
}

/**
 * Several paths at one fixed rate, interleaved in one-second slices (A B C D A B C D ...): load that comes
 * and goes on a shared machine (other people's tests) then falls on every path alike, which running each
 * path for a quarter of a minute, one after the other, cannot promise. Their latencies are comparable.
 */
export async function atRateInterleaved(ctx: BenchContext, paths: RatePath[], rate: number): Promise<ScenarioResult[]> {
  ctx.log(`${paths.map((p) => p.id).join(', ')}: warm-up, then ${ctx.seconds} s each at ${rate}/s, interleaved in 1 s slices`);
  for (const p of paths) await paced({ rate, seconds: Math.max(1, ctx.warmupSeconds / 2), run: p.run });
  const acc: Acc[] = paths.map(() => ({ sent: 0, ok: 0, errors: 0, skipped: 0, codes: {}, latencies: [], slices: [] }));
  for (let round = 0; round < ctx.seconds; round++) {
    for (const [i, p] of paths.entries()) {
      const sampler = new Sampler(ctx.watched);
      const r = await paced({ rate, seconds: 1, run: p.run });
      const a = acc[i]!;
      a.slices.push({ seconds: r.seconds, usage: sampler.stop() });
      a.sent += r.sent;
      a.ok += r.ok;
      a.errors += r.errors;
      a.skipped += r.skipped;
      a.latencies.push(...r.latencies);
      for (const [code, n] of Object.entries(r.statusCodes)) a.codes[code] = (a.codes[code] ?? 0) + n;
    }
  }
  return paths.map((p, i) => {
    const a = acc[i]!;
    const seconds = a.slices.reduce((n, s) => n + s.seconds, 0);
    return {
      id: p.id,
      title: p.title,
      mode: 'fixed' as const,
      rate,
      seconds: round(seconds),
      requests: a.sent,
      rps: round(a.sent / seconds, 0),
      latency: roundSummary(summarize(a.latencies)),
      errors: a.errors,
      skipped: a.skipped,
      statusCodes: a.codes,
      errorSamples: p.failures.counts,
      usage: roundUsage(mergeUsage(a.slices)),
    };
  });
}
