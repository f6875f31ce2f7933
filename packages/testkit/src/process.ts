import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const live = new Set<ChildProcess>();
// A crashed or interrupted test run must not leave sidecars behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Another user to run a child process as (when the tests run as root). */
export interface SpawnIdentity {
  uid: number;
  gid: number;
}

/** A child process whose stdout and stderr go to a log file that outlives it. */
export class LoggedProcess {
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly logFile: string,
    options: {
      cwd: string;
      env: NodeJS.ProcessEnv;
      /** also print each line, prefixed, to stdout */
      echo?: boolean;
      as?: SpawnIdentity;
    },
  ) {
    const identity = options.as ? { uid: options.as.uid, gid: options.as.gid } : {};
    if (options.echo) {
      this.child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], ...identity });
      const file = fs.createWriteStream(logFile, { flags: 'a' });
      const prefix = `[${name}] `;
      for (const stream of [this.child.stdout!, this.child.stderr!]) {
        stream.pipe(file, { end: false });
        stream.on('data', (chunk: Buffer) => process.stdout.write(String(chunk).replace(/^(?=.)/gm, prefix)));
      }
    } else {
      const out = fs.openSync(logFile, 'a');
      this.child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, out], ...identity });
      fs.closeSync(out);
    }
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        resolve(code ?? (signal ? -1 : null));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The signal that ended it, if one did (`exited` then resolves to -1). */
  get exitSignal(): NodeJS.Signals | null {
    return this.child.signalCode;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}
