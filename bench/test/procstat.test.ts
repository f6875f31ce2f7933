import { Sampler, cpuTicks, machineTicks, statusKiB } from '../src/procstat';

describe('/proc parsing', () => {
  it('when the command name holds spaces and parentheses, then utime + stime are still fields 14 and 15', () => {
    const stat = '4242 (node (worker) 1) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 500 1000 200';
    expect(cpuTicks(stat)).toBe(300);
  });

  it('when a status file is read, then VmRSS and VmHWM come out in KiB and a missing field is 0', () => {
    const status = 'Name:\tdaprd\nVmHWM:\t  61234 kB\nVmRSS:\t  51234 kB\n';
    expect([statusKiB(status, 'VmRSS'), statusKiB(status, 'VmHWM'), statusKiB(status, 'RssAnon')]).toEqual([51234, 61234, 0]);
  });

  it('when /proc/stat is read, then idle and iowait are not busy, and steal is reported', () => {
    expect(machineTicks('cpu  100 5 50 1000 20 1 4 7 0 0\ncpu0 1 2 3')).toEqual({ busy: 167, total: 1187, steal: 7 });
  });
});

describe('the sampler', () => {
  it('when this process burns 200 ms of CPU, then the sampler counts what the process itself counts, and its peak RSS', async () => {
    const wall = process.hrtime.bigint();
    const before = process.cpuUsage();
    const s = new Sampler([{ name: 'me', kind: 'load', pids: [process.pid] }]);
    // Burn until the process has used 200 ms of CPU, however busy the machine is (bounded at 5 s).
    const deadline = Date.now() + 5_000;
    const used = () => process.cpuUsage(before);
    while ((used().user + used().system) / 1e6 < 0.2 && Date.now() < deadline) Math.sqrt(Math.random());
    const [me, machine] = s.stop();
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const own = (used().user + used().system) / 1e6;
    // /proc counts in clock ticks (10 ms): allow a few of them, and the sampler's own reads.
    expect(Math.abs((me!.cpuPercent / 100) * seconds - own)).toBeLessThan(0.05);
    expect(me!.peakRssMiB).toBeGreaterThan(10);
    expect(machine!.name).toBe('machine (all cores)');
  });
});
