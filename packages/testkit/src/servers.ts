import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { untilListening } from './brokers';
import { LoggedProcess, type SpawnIdentity } from './process';
import { freePort } from './ports';

const run = promisify(execFile);

/**
 * A server of a test run's own (a database or broker on a free loopback port, its data in the run's
 * folder), which fault tests stop, pause and start again on the same port and data without touching the
 * machine's servers.
 */
export class OwnServer {
  private proc: LoggedProcess;

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly spawn: () => LoggedProcess,
    /** The signal that shuts it down cleanly and at once (PostgreSQL's "fast" shutdown is SIGINT). */
    private readonly stopSignal: NodeJS.Signals,
    /** Whether it serves, once it listens (PostgreSQL listens before it has recovered). */
    private readonly ready: () => Promise<boolean>,
    /** Checks, once it has stopped, that it stopped as it should (throws if not). */
    private readonly afterStop: () => void,
  ) {
    this.proc = spawn();
  }

  static async start(
    name: string,
    port: number,
    spawn: () => LoggedProcess,
    options: { stopSignal?: NodeJS.Signals; ready?: () => Promise<boolean>; afterStop?: () => void } = {},
  ): Promise<OwnServer> {
    const server = new OwnServer(
      name,
      port,
      spawn,
      options.stopSignal ?? 'SIGTERM',
      options.ready ?? (async () => true),
      options.afterStop ?? (() => {}),
    );
    await server.untilServing();
    return server;
  }

  private async untilServing(): Promise<void> {
    await untilListening(this.port, this.proc, 60_000);
    const end = Date.now() + 60_000;
    while (!(await this.ready().catch(() => false))) {
      if (!this.proc.running) throw new Error(`${this.name} exited (log: ${this.proc.logFile})`);
      if (Date.now() > end) throw new Error(`${this.name} listens on ${this.port} but did not get ready within 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get logFile(): string {
    return this.proc.logFile;
  }

  /** SIGSTOP: the process holds its connections but answers nothing, as behind a partition. */
  pause(): void {
    this.proc.signal('SIGSTOP');
  }

  resume(): void {
    this.proc.signal('SIGCONT');
  }

  /** Shuts it down cleanly (SIGKILL after 20 s); its data stays for `start()`. */
  async stop(): Promise<void> {
    if (!this.proc.running) return;
    this.proc.signal('SIGCONT');
    this.proc.signal(this.stopSignal);
    const timer = setTimeout(() => this.proc.signal('SIGKILL'), 20_000);
    await this.proc.exited;
    clearTimeout(timer);
    this.afterStop();
  }

  /** Starts it again, same port, same data; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.proc.running) return;
    this.proc = this.spawn();
    await this.untilServing();
  }
}

/** A Redis server of the run's own that writes every change to its append-only file, so a restart keeps it all. */
export async function startRedisServer(dir: string): Promise<OwnServer> {
  const port = await freePort();
  const data = path.join(dir, 'redis');
  fs.mkdirSync(data, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--dir',
    data,
  ];
  return OwnServer.start(
    'redis',
    port,
    () =>
      new LoggedProcess('redis-server', process.env.REDIS_SERVER ?? 'redis-server', args, path.join(dir, 'redis-server.log'), {
        cwd: dir,
        env: process.env,
      }),
  );
}

/**
 * A PostgreSQL cluster of the run's own (initdb, trust authentication on loopback), as the `postgres`
 * user when the tests run as root (PostgreSQL refuses to run as root). Its data lives under the system's
 * temporary folder, where that user can reach it; `remove()` deletes it.
 */
export async function startPostgresCluster(dir: string): Promise<{ server: OwnServer; remove(): Promise<void> }> {
  const bin = postgresBin();
  const port = await freePort();
  const as: SpawnIdentity | undefined = process.getuid?.() === 0 ? await identityOf('postgres') : undefined;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-pg-'));
  if (as) fs.chownSync(data, as.uid, as.gid);
  await run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { timeout: 120_000, ...(as ?? {}) });
  const args = ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
  const server = await OwnServer.start(
    'postgresql',
    port,
    () =>
      new LoggedProcess('postgres', path.join(bin, 'postgres'), args, path.join(dir, 'postgres.log'), {
        cwd: data,
        env: process.env,
        ...(as ? { as } : {}),
      }),
    {
      stopSignal: 'SIGINT',
      ready: () =>
        run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { timeout: 5_000 }).then(
          () => true,
          () => false,
        ),
    },
  );
  return { server, remove: async () => fs.rmSync(data, { recursive: true, force: true }) };
}

function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin')).find((b) => fs.existsSync(path.join(b, 'initdb')));
  if (!found) throw new Error('initdb not found: set PG_BIN to the folder of the PostgreSQL server programs');
  return found;
}

async function identityOf(user: string): Promise<SpawnIdentity> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
