// CPU and memory of the processes under test, read from /proc (Linux only). CPU is utime + stime over the
// scenario's wall time, in percent of ONE core (200 % = both cores of a 2-core machine). Peak RSS is the
// kernel's high-water mark (VmHWM), reset at the start of each scenario through /proc/<pid>/clear_refs
// where the kernel allows it; otherwise the largest VmRSS seen by sampling every 200 ms.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface Watched {
  name: string;
  kind: 'app' | 'sidecar' | 'load' | 'server' | 'machine';
  /** Several pids are summed (PostgreSQL's backends); RSS is then the sum of the peaks. */
  pids: number[];
  /** Looks the pids up again at the start of each scenario (servers fork and end backends). */
  resolve?: () => number[];
}

export interface Usage {
  name: string;
  kind: Watched['kind'];
  cpuPercent: number;
  peakRssMiB: number;
}

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime in clock ticks from the text of /proc/<pid>/stat (the command name may hold spaces). */
export function cpuTicks(statText: string): number {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** A `Vm…:   1234 kB` line of /proc/<pid>/status, in KiB (0 when absent). */
type StatusField = 'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile';

export function statusKiB(statusText: string, field: StatusField): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(statusText);
  return m ? Number(m[1]) : 0;
}

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process exited
  }
};

const rssKiB = (pid: number, field: StatusField) => statusKiB(read(`/proc/${pid}/status`) ?? '', field);

/** Busy and stolen ticks of the whole machine, from the first line of /proc/stat. */
export function machineTicks(statText: string): { busy: number; total: number; steal: number } {
  const f = statText.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...; guest time is already inside user.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3]! + f[4]!;
  return { busy: total - idle, total, steal: f[7]! };
}

export interface IdleRss {
  name: string;
  kind: Watched['kind'];
  rssMiB: number;
  /** Proportional set size: private pages plus each shared page divided by the processes mapping it. */
  pssMiB: number;
  /** Private memory (heap, stacks): what one more replica really costs. */
  anonMiB: number;
  /** Mapped files (the binary's code): shared by every process running the same file. */
  fileMiB: number;
}

/** Resident memory of every watched process right now, e.g. at idle after the run. */
export function rssNow(watched: Watched[]): IdleRss[] {
  const mib = (w: Watched, f: StatusField) => w.pids.reduce((n, p) => n + rssKiB(p, f), 0) / 1024;
  const pssKiB = (pid: number) => Number(/^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? 0);
  return watched.map((w) => ({
    name: w.name,
    kind: w.kind,
    rssMiB: mib(w, 'VmRSS'),
    pssMiB: w.pids.reduce((n, p) => n + pssKiB(p), 0) / 1024,
    anonMiB: mib(w, 'RssAnon'),
    fileMiB: mib(w, 'RssFile'),
  }));
}

/** Pids of running processes whose command name (/proc/<pid>/comm) is `comm`, e.g. redis-server. */
export function pidsByName(comm: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && read(`/proc/${d}/comm`)?.trim() === comm)
    .map(Number);
}

export class Sampler {
  private readonly watched: Watched[];
  /** Last ticks seen per pid: a process that exits mid-scenario keeps what it used until then. */
  private readonly lastTicks = new Map<number, number>();
  private readonly startTicks: number[];
  private readonly startMachine = machineTicks(read('/proc/stat') ?? 'cpu 0 0 0 0 0 0 0 0');
  private readonly peaks: number[];
  private readonly hwmReset: boolean[];
  private readonly timer: NodeJS.Timeout;
  private readonly started = process.hrtime.bigint();

  constructor(watched: Watched[]) {
    this.watched = watched.map((w) => (w.resolve ? { ...w, pids: w.resolve() } : w));
    // Only the processes this run started: the shared servers are only read.
    this.hwmReset = this.watched.map((w) => w.kind !== 'server' && w.pids.every(resetPeak));
    this.startTicks = this.watched.map((w) => this.ticks(w.pids));
    this.peaks = this.watched.map(() => 0);
    this.sample();
    this.timer = setInterval(() => this.sample(), 200);
  }

  private ticks(pids: number[]): number {
    return pids.reduce((n, pid) => {
      const text = read(`/proc/${pid}/stat`);
      if (text !== undefined) this.lastTicks.set(pid, cpuTicks(text));
      return n + (this.lastTicks.get(pid) ?? 0);
    }, 0);
  }

  private sample(): void {
    this.watched.forEach((w, i) => {
      this.ticks(w.pids);
      const rss = w.pids.reduce((n, p) => n + rssKiB(p, 'VmRSS'), 0);
      this.peaks[i] = Math.max(this.peaks[i]!, rss);
    });
  }

  /** Per process, then `machine` (all cores; 100 % per core) and `everything else` on the machine. */
  stop(): Usage[] {
    clearInterval(this.timer);
    this.sample();
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const out: Usage[] = this.watched.map((w, i) => {
      const hwm = this.hwmReset[i] ? w.pids.reduce((n, p) => n + rssKiB(p, 'VmHWM'), 0) : 0;
      return {
        name: w.name,
        kind: w.kind,
        cpuPercent: ((this.ticks(w.pids) - this.startTicks[i]!) / TICKS / seconds) * 100,
        peakRssMiB: Math.max(hwm, this.peaks[i]!) / 1024,
      };
    });
    const m = machineTicks(read('/proc/stat') ?? 'cpu 0 0 0 0 0 0 0 0');
    const machine = ((m.busy - this.startMachine.busy) / TICKS / seconds) * 100;
    const ours = out.reduce((n, u) => n + u.cpuPercent, 0);
    out.push({ name: 'machine (all cores)', kind: 'machine', cpuPercent: machine, peakRssMiB: 0 });
    out.push({ name: 'everything else', kind: 'machine', cpuPercent: Math.max(0, machine - ours), peakRssMiB: 0 });
    return out;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0); refused for others' processes. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
