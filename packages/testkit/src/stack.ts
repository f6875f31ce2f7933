import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LoggedProcess } from './process';
import { daprdPath, devSecrets, repoRoot } from './paths';
import { appEnv, daprdArgs, loadRunFile, type Ports, type RunFile, type RunFileApp } from './run-file';
import { freePorts } from './ports';
import { readinessUrls, waitForUrls } from './ready';
import { freshRedisDb } from './redis';

export interface AppSpec {
  /** An app of dapr/run.yaml (started with its command), or any other id for an app-less sidecar. */
  appId: string;
  /** Distinguishes replicas of one app id (default: the app id). */
  name?: string;
  /** Extra environment for the app, over what the run file sets. */
  env?: Record<string, string>;
  /** The app is served by the test itself on this port: start only its sidecar. */
  externalAppPort?: number;
}

export interface StackOptions {
  apps: AppSpec[];
  /** Secrets over those of dapr/secrets.dev.json for this run (each test's own database URLs). */
  secrets?: Record<string, string>;
  /** Component profile under components/ (default: DAPR_PROFILE, else the run file's). */
  profile?: string;
  /** Extra environment for every sidecar. */
  sidecarEnv?: Record<string, string>;
  /** Component folders instead of the run file's (for tests of the kit's adapters). */
  resourcesPaths?: string[];
}

export interface RunningApp {
  appId: string;
  ports: Ports;
  appApiToken: string;
  def?: RunFileApp;
  appUrl: string;
  daprUrl: string;
  sidecar: LoggedProcess;
  app?: LoggedProcess;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * Real daprd sidecars and real service processes on free loopback ports, with the repository's own
 * components and configuration. Logs go to files under .tmp/runs/ and are kept; `failureReport()`
 * prints their tails. `stop()` ends every process, even after a failure.
 */
export class Stack {
  private constructor(
    readonly runDir: string,
    private readonly apps: Map<string, RunningApp>,
    private readonly options: StackOptions,
    private readonly runFile: RunFile,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const runDir = path.join(repoRoot, '.tmp', 'runs', `${Date.now()}-${randomBytes(3).toString('hex')}`);
    // The sidecars run in this folder, so the components' relative paths (the dev secrets file, the
    // name-resolution database) land here and never touch the developer's own run.
    fs.mkdirSync(path.join(runDir, 'dapr'), { recursive: true });
    fs.writeFileSync(path.join(runDir, 'dapr', 'secrets.dev.json'), JSON.stringify({ ...devSecrets(), ...options.secrets }, null, 2));
    const redisDb = await freshRedisDb();
    const stack = new Stack(
      runDir,
      new Map(),
      { ...options, sidecarEnv: { SHOP_REDIS_DB: String(redisDb), ...options.sidecarEnv } },
      loadRunFile(options.profile),
    );
    try {
      for (const spec of options.apps) await stack.launch(spec);
      await Promise.all([...stack.apps.values()].map((a) => stack.waitReady(a)));
    } catch (e) {
      process.stderr.write(stack.failureReport());
      await stack.stop();
      throw e;
    }
    return stack;
  }

  /** An app (or one replica) by its name: the app id unless the spec named it. */
  get(name: string): RunningApp {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name} in this stack`);
    return app;
  }

  /** URL of a method of `appId` through the sidecar of `via` (Dapr service invocation). */
  invokeUrl(via: string, appId: string, methodPath: string): string {
    return `${this.get(via).daprUrl}/v1.0/invoke/${appId}/method/${methodPath.replace(/^\//, '')}`;
  }

  private async launch(spec: AppSpec): Promise<void> {
    const [app, http, grpc, internal, metrics] = await freePorts(5);
    const ports: Ports = { app: app!, http: http!, grpc: grpc!, internal: internal!, metrics: metrics! };
    const name = spec.name ?? spec.appId;
    if (spec.externalAppPort) ports.app = spec.externalAppPort;
    const def = this.runFile.apps.find((a) => a.appID === spec.appId);
    const hasApp = Boolean(def?.command) || Boolean(spec.externalAppPort);
    const token = randomBytes(16).toString('hex');
    const run = this.options.resourcesPaths
      ? { ...this.runFile, common: { ...this.runFile.common, resourcesPaths: this.options.resourcesPaths } }
      : this.runFile;
    // Tests stop apps before their sidecars, so the sidecar has nothing left to drain: don't wait 5 s for it.
    const args = [
      ...daprdArgs(run, def ?? { appID: spec.appId, appDirPath: repoRoot }, ports, hasApp),
      '--dapr-graceful-shutdown-seconds',
      '1',
    ];
    const sidecar = new LoggedProcess(`${name}-daprd`, daprdPath(), args, path.join(this.runDir, `${name}.daprd.log`), {
      cwd: this.runDir,
      env: { ...process.env, DAPR_HOST_IP: '127.0.0.1', ...(def?.command ? { APP_API_TOKEN: token } : {}), ...this.options.sidecarEnv },
    });
    const running: RunningApp = {
      appId: spec.appId,
      ports,
      appApiToken: token,
      appUrl: `http://127.0.0.1:${ports.app}`,
      daprUrl: `http://127.0.0.1:${ports.http}`,
      sidecar,
      ...(def ? { def } : {}),
    };
    if (def?.command && !spec.externalAppPort) running.app = this.spawnApp(spec, running);
    this.apps.set(name, running);
  }

  private spawnApp(spec: AppSpec, a: RunningApp): LoggedProcess {
    const def = a.def!;
    const [command, ...args] = def.command ?? [];
    if (!command) throw new Error(`${def.appID} has no command in the run file`);
    return new LoggedProcess(
      spec.name ?? spec.appId,
      command === 'node' ? process.execPath : command,
      args,
      path.join(this.runDir, `${spec.name ?? spec.appId}.app.log`),
      {
        cwd: def.appDirPath,
        env: {
          ...process.env,
          ...appEnv(this.runFile, def, a.ports),
          NODE_ENV: 'test',
          APP_API_TOKEN: a.appApiToken,
          LOG_LEVEL: 'debug',
          ...spec.env,
        },
      },
    );
  }

  /** Kills an app process (SIGKILL by default) and starts it again on the same port, for fault tests. */
  async restartApp(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const a = this.get(name);
    const spec = this.options.apps.find((s) => (s.name ?? s.appId) === name)!;
    if (!a.app) throw new Error(`${name} has no process the stack started`);
    a.app?.signal(signal);
    await a.app?.exited;
    a.app = this.spawnApp(spec, a);
    await this.waitReady(a);
  }

  private waitReady(a: RunningApp): Promise<void> {
    const watched = [a.sidecar, ...(a.app ? [a.app] : [])];
    return waitForUrls(readinessUrls(a.daprUrl, a.app ? a.appUrl : undefined), watched, READY_TIMEOUT_MS);
  }

  /** The last lines of every log of this stack, for a failing test's output. */
  failureReport(lines = 60): string {
    let out = `\n===== logs of stack ${this.runDir} =====\n`;
    for (const a of this.apps.values()) {
      for (const p of [a.sidecar, a.app]) {
        if (!p) continue;
        out += `----- ${p.name} (${p.logFile}) -----\n${p.log().split('\n').slice(-lines).join('\n')}\n`;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    if ((globalThis as { __testFailed?: boolean }).__testFailed) process.stderr.write(this.failureReport());
    const all = [...this.apps.values()];
    // Apps first (they drain through their sidecars), then the sidecars.
    await Promise.all(all.flatMap((a) => (a.app ? [a.app.stop()] : [])));
    await Promise.all(all.map((a) => a.sidecar.stop()));
  }
}
