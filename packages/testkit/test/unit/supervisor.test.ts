import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LoggedProcess } from '../../src/process';
import { describeEvent, Supervisor, type Clock, type Liveness, type Supervisable, type SupervisorEvent } from '../../src/supervisor';

/** Lets every promise that can settle now settle (setImmediate runs after the microtask queue). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Time that moves only when the test says so. */
class FakeClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; fire: () => void }> = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + ms, fire: resolve }));
  }
  /** Moves time forward by `ms`, firing due timers in order and letting what they wake run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = next.at;
      next.fire();
    }
    this.t = end;
    await settle();
  }
}

class FakeProcess implements Supervisable {
  exitSignal: NodeJS.Signals | null = null;
  running = true;
  readonly exited: Promise<number | null>;
  private done!: (code: number | null) => void;
  constructor(readonly id: string) {
    this.exited = new Promise((resolve) => (this.done = resolve));
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.running) return;
    this.running = false;
    this.exitSignal = signal;
    this.done(signal ? -1 : code);
  }
  stop = jest.fn(async () => {
    this.exit(null, 'SIGTERM');
    await this.exited;
  });
}

/** A supervisor on a fake clock whose processes are FakeProcesses, every start recorded. */
function harness() {
  const clock = new FakeClock();
  const events: SupervisorEvent[] = [];
  const starts: FakeProcess[] = [];
  const supervisor = new Supervisor<FakeProcess>({ clock, onEvent: (e) => events.push(e) });
  const factory = (name: string) => () => {
    const p = new FakeProcess(`${name}#${starts.filter((s) => s.id.startsWith(`${name}#`)).length + 1}`);
    starts.push(p);
    return p;
  };
  const of = (name: string) => starts.filter((s) => s.id.startsWith(`${name}#`));
  const exits = () => events.flatMap((e) => (e.type === 'exited' ? [e] : []));
  return { clock, events, starts, supervisor, factory, of, exits };
}

describe('Supervisor', () => {
  it('when a process keeps exiting, then it is restarted after 1, 2, 4 … s, at most 30 s, and each exit is reported', async () => {
    const h = harness();
    h.supervisor.supervise({ name: 'catalog-daprd', start: h.factory('catalog-daprd') });
    for (let i = 0; i < 7; i++) {
      h.of('catalog-daprd').at(-1)!.exit(1);
      await settle();
      const delay = h.exits().at(-1)!.delayMs;
      await h.clock.advance(delay - 1);
      expect(h.of('catalog-daprd')).toHaveLength(i + 1);
      await h.clock.advance(1);
      expect(h.of('catalog-daprd')).toHaveLength(i + 2);
    }
    expect(h.exits().map((e) => e.delayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(h.exits().map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.exits()[0]).toEqual({
      type: 'exited',
      name: 'catalog-daprd',
      how: 'code 1',
      uptimeMs: 0,
      restarts: 1,
      attempt: 1,
      delayMs: 1_000,
    });
    expect(h.events.filter((e) => e.type === 'started')).toHaveLength(7);
  });

  it('when a process is killed by a signal, then the report names the signal, the uptime, the attempt and the delay', async () => {
    const h = harness();
    h.supervisor.supervise({ name: 'catalog', start: h.factory('catalog') });
    await h.clock.advance(312_000);
    h.of('catalog')[0]!.exit(null, 'SIGKILL');
    await settle();
    expect(describeEvent(h.exits()[0]!)).toBe('catalog exited (signal SIGKILL) after 312 s; restart 1 in 1.0 s (attempt 1)');
  });

  it('when a restarted process has stayed up past the reset time, then its next exit waits 1 s again', async () => {
    const h = harness();
    h.supervisor.supervise({ name: 'cart', start: h.factory('cart') });
    for (let i = 0; i < 3; i++) {
      h.of('cart').at(-1)!.exit(1);
      await settle();
      await h.clock.advance(h.exits().at(-1)!.delayMs);
    }
    expect(h.exits().map((e) => e.delayMs)).toEqual([1_000, 2_000, 4_000]);
    await h.clock.advance(60_000);
    h.of('cart').at(-1)!.exit(1);
    await settle();
    expect(h.exits().at(-1)).toMatchObject({ delayMs: 1_000, attempt: 1, restarts: 4, uptimeMs: 60_000 });
  });

  it('when one process restarts, then the others keep running untouched', async () => {
    const h = harness();
    h.supervisor.supervise({ name: 'catalog-daprd', start: h.factory('catalog-daprd'), layer: 1 });
    h.supervisor.supervise({ name: 'catalog', start: h.factory('catalog'), layer: 2 });
    h.of('catalog-daprd')[0]!.exit(null, 'SIGKILL');
    await h.clock.advance(1_000);
    expect(h.of('catalog-daprd')).toHaveLength(2);
    expect(h.of('catalog')).toHaveLength(1);
    expect(h.of('catalog')[0]!.running).toBe(true);
    expect(h.of('catalog')[0]!.stop).not.toHaveBeenCalled();
    expect(h.supervisor.process('catalog-daprd')).toBe(h.of('catalog-daprd')[1]);
  });

  describe('liveness', () => {
    const liveness = (answers: boolean[]): Liveness => ({
      probe: jest.fn(async () => answers.shift() ?? true),
      periodMs: 10_000,
      failureThreshold: 3,
      startupMs: 120_000,
    });

    it('when an app that passed fails its probe 3 times in a row, then it is stopped and started again', async () => {
      const h = harness();
      h.supervisor.supervise({ name: 'orders', start: h.factory('orders'), liveness: liveness([true, false, false, false]) });
      await h.clock.advance(30_000);
      expect(h.of('orders')[0]!.stop).not.toHaveBeenCalled();
      await h.clock.advance(10_000);
      expect(h.of('orders')[0]!.stop).toHaveBeenCalledTimes(1);
      expect(h.events).toContainEqual({ type: 'unhealthy', name: 'orders', failures: 3, everPassed: true });
      expect(h.exits()[0]).toMatchObject({ name: 'orders', how: 'signal SIGTERM', delayMs: 1_000 });
      await h.clock.advance(1_000);
      expect(h.of('orders')).toHaveLength(2);
    });

    it('when failures are not in a row, then the app is left running', async () => {
      const h = harness();
      const answers = [true, false, false, true, false, false, true];
      h.supervisor.supervise({ name: 'orders', start: h.factory('orders'), liveness: liveness(answers) });
      await h.clock.advance(100_000);
      expect(h.of('orders')).toHaveLength(1);
      expect(h.of('orders')[0]!.stop).not.toHaveBeenCalled();
    });

    it('when a starting app has not passed yet, then failures count only once the start-up allowance is spent', async () => {
      const h = harness();
      h.supervisor.supervise({ name: 'users', start: h.factory('users'), liveness: liveness(Array<boolean>(20).fill(false)) });
      await h.clock.advance(110_000);
      expect(h.of('users')[0]!.stop).not.toHaveBeenCalled();
      await h.clock.advance(10_000);
      expect(h.of('users')[0]!.stop).toHaveBeenCalledTimes(1);
      expect(h.events).toContainEqual({ type: 'unhealthy', name: 'users', failures: 12, everPassed: false });
    });

    it('when a probe rejects (no answer), then that is a failure', async () => {
      const h = harness();
      const probe = jest.fn().mockResolvedValueOnce(true).mockRejectedValue(new Error('ECONNREFUSED'));
      h.supervisor.supervise({
        name: 'cart',
        start: h.factory('cart'),
        liveness: { probe, periodMs: 10_000, failureThreshold: 3, startupMs: 1 },
      });
      await h.clock.advance(40_000);
      expect(h.of('cart')[0]!.stop).toHaveBeenCalledTimes(1);
    });
  });

  it('when a start throws, then that is reported and tried again with back-off', async () => {
    const h = harness();
    let fail = false;
    const start = h.factory('payments');
    h.supervisor.supervise({
      name: 'payments',
      start: () => {
        if (fail) throw new Error('spawn EACCES');
        return start();
      },
    });
    fail = true;
    h.of('payments')[0]!.exit(1);
    await h.clock.advance(1_000);
    expect(h.events).toContainEqual({ type: 'start-failed', name: 'payments', error: 'spawn EACCES' });
    expect(h.exits().at(-1)).toMatchObject({ how: 'did not start', delayMs: 2_000 });
    fail = false;
    await h.clock.advance(2_000);
    expect(h.of('payments')).toHaveLength(2);
  });

  it('when an instance is adopted, then it is not started again until it exits', async () => {
    const h = harness();
    const running = new FakeProcess('sentry#0');
    h.supervisor.supervise({ name: 'sentry', start: h.factory('sentry') }, running);
    expect(h.of('sentry')).toHaveLength(0);
    running.exit(1);
    await h.clock.advance(1_000);
    expect(h.of('sentry')).toHaveLength(1);
  });

  it('when nothing but exits happen, then the supervisor never stops by itself; stop() ends apps, then sidecars, then Sentry, and restarts none', async () => {
    const h = harness();
    // Each stop() that finds its process running records what still ran at that moment.
    const stops: Array<[string, string[]]> = [];
    const running = () => h.starts.filter((p) => p.running).map((p) => p.id.split('#')[0]!);
    const tracked = (name: string) => () => {
      const p = h.factory(name)();
      p.stop.mockImplementation(async () => {
        if (p.running) stops.push([name, running()]);
        // It takes a moment to exit, as a real process does.
        await settle();
        p.exit(null, 'SIGTERM');
      });
      return p;
    };
    h.supervisor.supervise({ name: 'sentry', start: tracked('sentry'), layer: 0 });
    h.supervisor.supervise({ name: 'cart-daprd', start: tracked('cart-daprd'), layer: 1 });
    h.supervisor.supervise({ name: 'cart', start: tracked('cart'), layer: 2 });
    h.supervisor.supervise({ name: 'ingress-daprd', start: tracked('ingress-daprd'), layer: 1 });
    h.supervisor.supervise({ name: 'orders', start: tracked('orders'), layer: 2 });
    for (let i = 0; i < 20; i++) {
      h.of('cart').at(-1)!.exit(1);
      await h.clock.advance(30_000);
    }
    expect(h.of('cart')).toHaveLength(21);
    // cart is in back-off now: stop() must not wait it out, nor start it afterwards.
    h.of('cart').at(-1)!.exit(1);
    await settle();
    await h.supervisor.stop();
    expect(stops).toEqual([
      ['orders', ['sentry', 'cart-daprd', 'ingress-daprd', 'orders']],
      ['cart-daprd', ['sentry', 'cart-daprd', 'ingress-daprd']],
      ['ingress-daprd', ['sentry', 'cart-daprd', 'ingress-daprd']],
      ['sentry', ['sentry']],
    ]);
    await h.clock.advance(120_000);
    expect(h.of('cart')).toHaveLength(21);
    expect(h.starts.every((p) => !p.running)).toBe(true);
    expect(() => h.supervisor.supervise({ name: 'late', start: h.factory('late') })).toThrow(/stopping/);
  });
});

describe('Supervisor with real processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-supervisor-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a process loses the race for its listen port, then it is restarted until it binds the port', async () => {
    // Someone else holds the port the process must listen on, as an outgoing connection may.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const events: SupervisorEvent[] = [];
    const supervisor = new Supervisor<LoggedProcess>({
      onEvent: (e) => {
        events.push(e);
        // The port is let go after the first failure.
        if (e.type === 'exited') holder.close();
      },
      backoff: { initialMs: 50, maxMs: 200, resetAfterMs: 10_000 },
    });
    const script = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
    supervisor.supervise({
      name: 'listener',
      start: () => new LoggedProcess('listener', process.execPath, ['-e', script], path.join(dir, 'listener.log'), { cwd: dir, env: {} }),
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.type === 'started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const bound = async () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true))).on('error', () => resolve(false));
        });
      while (!(await bound()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await bound()).toBe(true);
      expect(events[0]).toMatchObject({ type: 'exited', name: 'listener', how: 'code 1' });
      expect(fs.readFileSync(path.join(dir, 'listener.log'), 'utf8')).toMatch(/EADDRINUSE/);
      expect(supervisor.process('listener')!.running).toBe(true);
    } finally {
      await supervisor.stop();
    }
    expect(supervisor.process('listener')!.running).toBe(false);
  });
});
