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
  it('when this process burns CPU for a while, then its CPU share and peak RSS are above zero', async () => {
    const s = new Sampler([{ name: 'me', kind: 'load', pids: [process.pid] }]);
    const end = Date.now() + 300;
    while (Date.now() < end) Math.sqrt(Math.random());
    await new Promise((r) => setTimeout(r, 50));
    const [me, machine] = s.stop();
    expect(me!.cpuPercent).toBeGreaterThan(30);
    expect(me!.peakRssMiB).toBeGreaterThan(10);
    expect(machine!.name).toBe('machine (all cores)');
  });
});
