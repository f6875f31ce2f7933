// Keeps the local shop's processes running the way a kubelet keeps a pod's containers running
// (restartPolicy: Always): a process that exits is started again after a back-off that doubles with each
// restart in a row (CrashLoopBackOff), and one that fails its liveness probe for long enough is stopped and
// started again. Each process is supervised on its own, as containers are: a sidecar that restarts leaves
// its app running, and the other way round. Only `stop()` ends it all.

/** What the supervisor needs of a process; `LoggedProcess` is one. */
export interface Supervisable {
  /** Settles when the process has exited, with its exit code (not meaningful when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The signal that ended it, if one did. */
  readonly exitSignal?: NodeJS.Signals | null;
  /** Ends it (SIGTERM, then SIGKILL after a grace period); settles once it has exited. */
  stop(): Promise<void>;
}

export interface Liveness {
  /** True when the process says it is alive; a rejection or a timeout is a failure. */
  probe(): Promise<boolean>;
  periodMs: number;
  /** Failures in a row, after it has once passed, that get it restarted. */
  failureThreshold: number;
  /** How long a (re)started process may take to pass its first probe (Kubernetes' startupProbe). */
  startupMs: number;
}

export interface ProcessSpec<P extends Supervisable> {
  name: string;
  /** Starts the process; called again, unchanged, for every restart (same command, same environment). */
  start(): P;
  liveness?: Liveness;
  /** `stop()` ends higher layers first, each layer's processes together (apps 2, sidecars 1, Sentry 0). */
  layer?: number;
}

/** An app's liveness as its Kubernetes probe has it: GET /healthz every 10 s, 3 failures in a row. */
export function appLiveness(url: string): Liveness {
  return {
    probe: () =>
      fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => {
        void r.body?.cancel();
        return r.ok;
      }),
    periodMs: 10_000,
    failureThreshold: 3,
    startupMs: 120_000,
  };
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A process that stayed up this long starts again from `initialMs` when it next exits. */
  resetAfterMs: number;
}

/** 1 s, 2 s, 4 s, … at most 30 s; back to 1 s for a process that had run for a minute. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type SupervisorEvent =
  | { type: 'started'; name: string; restarts: number }
  /** `attempt`: restarts in a row without a stable run (the back-off's exponent, plus one). */
  | { type: 'exited'; name: string; how: string; uptimeMs: number; restarts: number; attempt: number; delayMs: number }
  | { type: 'unhealthy'; name: string; failures: number; everPassed: boolean }
  | { type: 'start-failed'; name: string; error: string };

export interface SupervisorOptions {
  onEvent(event: SupervisorEvent): void;
  backoff?: Backoff;
  clock?: Clock;
}

interface Run<P> {
  proc: P;
  startedAt: number;
  alive: boolean;
}

export class Supervisor<P extends Supervisable = Supervisable> {
  private readonly specs: ProcessSpec<P>[] = [];
  private readonly current = new Map<string, P>();
  private readonly loops: Promise<void>[] = [];
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private stopping = false;
  private wake!: () => void;
  /** Settles when `stop()` begins: every wait races it, so no back-off outlasts a stop. */
  private readonly stopped = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Keeps the process running until `stop()`: starts it now, or adopts `running` (an instance started
   * already, e.g. a Sentry that start-up waited for). Returns the first instance.
   */
  supervise(spec: ProcessSpec<P>, running?: P): P {
    if (this.stopping) throw new Error('the supervisor is stopping');
    if (this.specs.some((s) => s.name === spec.name)) throw new Error(`${spec.name} is supervised already`);
    this.specs.push(spec);
    const first = running ?? spec.start();
    this.loops.push(this.keep(spec, first));
    return first;
  }

  /** The running (or last) instance of a supervised process. */
  process(name: string): P | undefined {
    return this.current.get(name);
  }

  /** Stops every process, higher layers first, and restarts none of them again. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    const layers = [...new Set(this.specs.map((s) => s.layer ?? 0))].sort((a, b) => b - a);
    for (const layer of layers) {
      const procs = this.specs.filter((s) => (s.layer ?? 0) === layer).flatMap((s) => this.current.get(s.name) ?? []);
      await Promise.all(procs.map((p) => p.stop()));
    }
    await Promise.all(this.loops);
  }

  private async keep(spec: ProcessSpec<P>, first: P): Promise<void> {
    let restarts = 0;
    let attempt = 0;
    for (let proc: P | undefined = first; ; proc = this.tryStart(spec)) {
      const startedAt = this.clock.now();
      let how: string;
      if (proc) {
        this.current.set(spec.name, proc);
        if (restarts > 0) this.options.onEvent({ type: 'started', name: spec.name, restarts });
        const run: Run<P> = { proc, startedAt, alive: true };
        void this.watchLiveness(spec, run);
        how = await exitOf(proc);
        run.alive = false;
      } else {
        how = 'did not start';
      }
      if (this.stopping) return;
      const uptimeMs = this.clock.now() - startedAt;
      if (uptimeMs >= this.backoff.resetAfterMs) attempt = 0;
      const delayMs = Math.min(this.backoff.initialMs * 2 ** attempt, this.backoff.maxMs);
      attempt++;
      restarts++;
      this.options.onEvent({ type: 'exited', name: spec.name, how, uptimeMs, restarts, attempt, delayMs });
      await Promise.race([this.clock.sleep(delayMs), this.stopped]);
      if (this.stopping) return;
    }
  }

  private tryStart(spec: ProcessSpec<P>): P | undefined {
    try {
      return spec.start();
    } catch (e) {
      this.options.onEvent({ type: 'start-failed', name: spec.name, error: e instanceof Error ? e.message : String(e) });
      return undefined;
    }
  }

  /** Probes until the run ends; stops the process once it has failed for long enough. */
  private async watchLiveness(spec: ProcessSpec<P>, run: Run<P>): Promise<void> {
    const l = spec.liveness;
    if (!l) return;
    let everPassed = false;
    let failures = 0;
    for (;;) {
      await Promise.race([this.clock.sleep(l.periodMs), this.stopped]);
      if (!run.alive || this.stopping) return;
      const ok = await l.probe().catch(() => false);
      if (!run.alive || this.stopping) return;
      if (ok) {
        everPassed = true;
        failures = 0;
        continue;
      }
      failures++;
      const dead = everPassed ? failures >= l.failureThreshold : this.clock.now() - run.startedAt >= l.startupMs;
      if (dead) {
        this.options.onEvent({ type: 'unhealthy', name: spec.name, failures, everPassed });
        await run.proc.stop();
        return;
      }
    }
  }
}

async function exitOf(proc: Supervisable): Promise<string> {
  const code = await proc.exited;
  return proc.exitSignal ? `signal ${proc.exitSignal}` : `code ${code}`;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** One log line per event, e.g. `catalog exited (signal SIGKILL) after 312 s; restart 1 in 1.0 s (attempt 1)`. */
export function describeEvent(e: SupervisorEvent): string {
  switch (e.type) {
    case 'started':
      return `${e.name} started again (restart ${e.restarts})`;
    case 'exited':
      return `${e.name} exited (${e.how}) after ${seconds(e.uptimeMs)}; restart ${e.restarts} in ${seconds(e.delayMs)} (attempt ${e.attempt})`;
    case 'unhealthy':
      return e.everPassed
        ? `${e.name} failed its liveness probe ${e.failures} times in a row; stopping it to restart it`
        : `${e.name} has not passed its liveness probe since it started; stopping it to restart it`;
    case 'start-failed':
      return `${e.name} could not be started: ${e.error}`;
  }
}
