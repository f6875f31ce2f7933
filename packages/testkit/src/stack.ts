import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LoggedProcess } from './process';
import { daprdPath, devSecrets, repoRoot } from './paths';
import { appFromCommon, loadRunFile, mapResources, profileOf, resourcesOfApps, type RunFile, type RunFileApp } from './run-file';
import { appEnv, daprdArgs, daprdEnv, type Ports } from './launch';
import { freePorts } from './ports';
import { readinessUrls, waitForUrls } from './ready';
import { provisionInfrastructure, type Infrastructure } from './infrastructure';
import { applySecretStore, secretStoreOf, secretsAsEnv } from './secrets';
import { sentryPathBeside, startSentry, type RunningSentry } from './sentry';
import { appLiveness, describeEvent, Supervisor } from './supervisor';
import { admitSubscribers, type Subscribers } from './admit-subscribers';

export interface AppSpec {
  /** An app of dapr/run.yaml (started with its command), or any other id for an app-less sidecar. */
  appId: string;
  /** Distinguishes replicas of one app id (default: the app id). */
  name?: string;
  /** Extra environment for the app, over what the run file sets. */
  env?: Record<string, string>;
  /** The app is served by the test itself on this port: start only its sidecar. */
  externalAppPort?: number;
  /** Start only the sidecar of this run-file app, with no app behind it (e.g. to publish as its owner). */
  sidecarOnly?: boolean;
}

export interface StackOptions {
  apps: AppSpec[];
  /** Secrets over this test process's generated dev secrets (`devSecrets()`), e.g. each test's own database URLs. */
  secrets?: Record<string, string>;
  /** Component profile under components/ (default: DAPR_PROFILE, else the run file's). */
  profile?: string;
  /** Secret store folder components/secrets-<x> (default: DAPR_SECRETS, else the file store of components/common). */
  secretStore?: string;
  /** Extra environment for every sidecar: part of the shell it is started from (the run file's env never reaches daprd). */
  sidecarEnv?: Record<string, string>;
  /** Component folders instead of the run file's, for every app (for tests of the kit's adapters). */
  resourcesPaths?: string[];
  /** Apps the test adds that subscribe to topics (e.g. one observing every event): see admitSubscribers. */
  subscribers?: Subscribers;
}

export interface RunningApp {
  appId: string;
  ports: Ports;
  appApiToken: string;
  /** The token the sidecar requires of every caller of its API (DAPR_API_TOKEN); none for a public sidecar. */
  daprApiToken?: string;
  def?: RunFileApp;
  appUrl: string;
  /** The app's operations listener (/readyz, /metrics): its OPS_PORT. */
  opsUrl: string;
  daprUrl: string;
  sidecar: LoggedProcess;
  app?: LoggedProcess;
}

const READY_TIMEOUT_MS = 60_000;

const tokenHeader = (a: RunningApp): Record<string, string> => (a.daprApiToken ? { 'dapr-api-token': a.daprApiToken } : {});

/**
 * Real daprd sidecars and real service processes on free loopback ports, with the repository's own
 * components and configuration. Logs go to files under .tmp/runs/ and are kept; `failureReport()`
 * prints their tails. Once started, every app and sidecar is kept running as a kubelet would (the
 * runner's supervisor): one that dies or fails its liveness probe is started again with back-off, and
 * supervisor.log says so. `stop()` ends every process, even after a failure.
 */
export class Stack {
  private readonly sidecarStarters = new Map<string, () => LoggedProcess>();
  private supervisor?: Supervisor<LoggedProcess>;
  /** This run's certificate authority: every sidecar gets its mTLS certificate from it. */
  private sentry?: RunningSentry;

  private constructor(
    readonly runDir: string,
    private readonly apps: Map<string, RunningApp>,
    private readonly options: StackOptions,
    /** The run file as the CLI reads it, with this run's resource folders. */
    private readonly runFile: RunFile,
    /**
     * The environment every sidecar is started from, as the CLI starts daprd from the developer's shell:
     * this process's environment with this run's own values (what the components read through envRef,
     * the secrets of the environment store) where a developer's shell has dapr/local.env's.
     */
    private readonly sidecarShell: Record<string, string | undefined>,
    /** The component profile in use (`redis`, `rabbitmq`, ...), or `custom` for explicit resourcesPaths. */
    readonly profile: string,
    /** What the components point at for this run (variables given to the sidecars, the components). */
    readonly infrastructure: Infrastructure,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const runDir = path.join(repoRoot, '.tmp', 'runs', `${Date.now()}-${randomBytes(3).toString('hex')}`);
    // The sidecars run in this folder, so the components' relative paths (the dev secrets file, the
    // name-resolution database) land here and never touch the developer's own run.
    fs.mkdirSync(path.join(runDir, 'dapr'), { recursive: true });
    const runFile = mapResources(loadRunFile(options.profile), (paths) =>
      admitSubscribers(
        options.resourcesPaths ?? applySecretStore(paths, options.secretStore ?? process.env.DAPR_SECRETS, runDir),
        options.subscribers ?? {},
        runDir,
      ),
    );
    const resourcesPaths = resourcesOfApps(runFile);
    const secrets = { ...devSecrets(), ...options.secrets };
    // The file store reads the run's own copy of the dev secrets; the environment store, the sidecars'
    // variables (and then no file is written, so nothing can quietly read one).
    const store = secretStoreOf(resourcesPaths);
    const secretEnv = store?.type === 'secretstores.local.env' ? secretsAsEnv(store.prefix, secrets) : {};
    if (store?.type !== 'secretstores.local.env')
      fs.writeFileSync(path.join(runDir, 'dapr', 'secrets.dev.json'), JSON.stringify(secrets, null, 2));
    const infrastructure = await provisionInfrastructure(resourcesPaths, 'test', runDir);
    let sentry: RunningSentry;
    try {
      sentry = await startSentry({ dir: path.join(runDir, 'sentry'), sentryPath: sentryPathBeside(daprdPath()) });
    } catch (e) {
      await infrastructure.cleanup();
      throw e;
    }
    const stack = new Stack(
      runDir,
      new Map(),
      options,
      runFile,
      { ...process.env, DAPR_HOST_IP: '127.0.0.1', ...infrastructure.env, ...secretEnv, ...options.sidecarEnv },
      options.resourcesPaths ? 'custom' : profileOf(runFile),
      infrastructure,
    );
    stack.sentry = sentry;
    // Free ports are only free when asked; on a busy machine another process can bind one before the
    // sidecar does. That failure (and only that one) is retried with new ports.
    for (let attempt = 1; ; attempt++) {
      try {
        for (const spec of options.apps) await stack.launch(spec);
        await Promise.all([...stack.apps.values()].map((a) => stack.waitReady(a)));
        stack.superviseAll();
        return stack;
      } catch (e) {
        process.stderr.write(stack.failureReport());
        // daprd says either, depending on which of its servers lost the port.
        const clash = [...stack.apps.values()].some((a) =>
          /address already in use|could not listen on any endpoint/.test(a.sidecar.log() + (a.app?.log() ?? '')),
        );
        await stack.stopProcesses();
        if (!clash || attempt >= 3) {
          await sentry.stop();
          await infrastructure.cleanup();
          throw e;
        }
        process.stderr.write(`[testkit] a port was taken before its sidecar bound it; starting again (attempt ${attempt + 1})\n`);
        stack.apps.clear();
      }
    }
  }

  /** An app (or one replica) by its name: the app id unless the spec named it. */
  get(name: string): RunningApp {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name} in this stack`);
    return app;
  }

  /** The header a caller of `name`'s sidecar API must send (its Dapr API token), for tests that act as that app. */
  daprHeaders(name: string): Record<string, string> {
    return tokenHeader(this.get(name));
  }

  /** URL of a method of `appId` through the sidecar of `via` (Dapr service invocation). */
  invokeUrl(via: string, appId: string, methodPath: string): string {
    return `${this.get(via).daprUrl}/v1.0/invoke/${appId}/method/${methodPath.replace(/^\//, '')}`;
  }

  private async launch(spec: AppSpec): Promise<void> {
    const [app, http, grpc, internal, metrics, ops] = await freePorts(6);
    const ports: Ports = { app: app!, http: http!, grpc: grpc!, internal: internal!, metrics: metrics!, ops: ops! };
    const name = spec.name ?? spec.appId;
    if (spec.externalAppPort) ports.app = spec.externalAppPort;
    const def = this.runFile.apps.find((a) => a.appID === spec.appId);
    // An app the run file does not list runs as the CLI would run an entry with only its id.
    const entry = def ?? appFromCommon(this.runFile, spec.appId);
    const spawns = Boolean(def?.command) && !spec.sidecarOnly && !spec.externalAppPort;
    const hasApp = spawns || Boolean(spec.externalAppPort);
    const token = randomBytes(16).toString('hex');
    // Every sidecar refuses callers without its app's token, but the public one (the app-less ingress):
    // its clients are the public, and its own policy is what guards it.
    const publicSidecar = Boolean(def) && !def?.command;
    const daprApiToken = publicSidecar ? undefined : randomBytes(16).toString('hex');
    // Tests stop apps before their sidecars, so the sidecar has nothing left to drain: don't wait 5 s for it.
    // And probe the app every second, not every 5: the sidecar serves its app only after the first probe.
    const args = [
      ...daprdArgs(entry, ports, hasApp),
      ...this.sentry!.sidecarArgs(),
      '--dapr-graceful-shutdown-seconds',
      '1',
      ...(hasApp ? ['--app-health-probe-interval', '1'] : []),
    ];
    // Beyond the CLI: the tokens and Sentry.
    const env = {
      ...daprdEnv(this.sidecarShell),
      ...(def?.command && !spec.sidecarOnly ? { APP_API_TOKEN: token } : {}),
      ...(daprApiToken ? { DAPR_API_TOKEN: daprApiToken } : {}),
      ...this.sentry!.sidecarEnv(spec.appId),
    };
    const startSidecar = () =>
      new LoggedProcess(`${name}-daprd`, daprdPath(), args, path.join(this.runDir, `${name}.daprd.log`), { cwd: this.runDir, env });
    const sidecar = startSidecar();
    this.sidecarStarters.set(name, startSidecar);
    const running: RunningApp = {
      appId: spec.appId,
      ports,
      appApiToken: token,
      ...(daprApiToken ? { daprApiToken } : {}),
      appUrl: `http://127.0.0.1:${ports.app}`,
      opsUrl: `http://127.0.0.1:${ports.ops}`,
      daprUrl: `http://127.0.0.1:${ports.http}`,
      sidecar,
      ...(def ? { def } : {}),
    };
    if (spawns) running.app = this.spawnApp(spec, running);
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
          ...appEnv(def, a.ports),
          NODE_ENV: 'test',
          APP_API_TOKEN: a.appApiToken,
          OPS_PORT: String(a.ports.ops),
          ...(a.daprApiToken ? { DAPR_API_TOKEN: a.daprApiToken } : {}),
          LOG_LEVEL: 'debug',
          ...spec.env,
        },
      },
    );
  }

  /** Sends a signal to an app's process or its sidecar; the supervisor starts whatever it ends again. */
  signal(name: string, which: 'app' | 'sidecar', signal: NodeJS.Signals): void {
    const proc = this.get(name)[which];
    if (!proc) throw new Error(`${name} has no ${which} process the stack started`);
    proc.signal(signal);
  }

  /** Kills an app process (SIGKILL by default) and resolves once the supervisor has it serving again. */
  async restartApp(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.restart(name, 'app', signal);
  }

  /** Stops a sidecar (SIGTERM) and resolves once the supervisor has it serving again; its app keeps running. */
  async restartSidecar(name: string): Promise<void> {
    await this.restart(name, 'sidecar', 'SIGTERM');
  }

  /** Resolves once `name`'s app and sidecar both answer their readiness probes. */
  async untilReady(name: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const a = this.get(name);
    await waitForUrls(readinessUrls(a.daprUrl, a.app ? a.opsUrl : undefined, a.appId), [], timeoutMs, tokenHeader(a));
  }

  private async restart(name: string, which: 'app' | 'sidecar', signal: NodeJS.Signals): Promise<void> {
    const a = this.get(name);
    const old = a[which];
    if (!old) throw new Error(`${name} has no ${which} process the stack started`);
    old.signal(signal);
    await old.exited;
    const end = Date.now() + READY_TIMEOUT_MS;
    while (a[which] === old) {
      if (Date.now() > end) throw new Error(`${name}'s ${which} was not started again`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.untilReady(name);
  }

  /** Hands every process to a supervisor; a restarted one replaces the old in its RunningApp. */
  private superviseAll(): void {
    const log = path.join(this.runDir, 'supervisor.log');
    const supervisor = new Supervisor<LoggedProcess>({
      // Tests restart fast: 0.5 s, doubling to 8 s at most.
      backoff: { initialMs: 500, maxMs: 8_000, resetAfterMs: 30_000 },
      // Its waits must not keep a finished test process alive.
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()) },
      onEvent: (e) => {
        fs.appendFileSync(log, `${new Date().toISOString()} ${describeEvent(e)}\n`);
        const [name, which] = e.name.endsWith('-daprd') ? [e.name.slice(0, -6), 'sidecar' as const] : [e.name, 'app' as const];
        const proc = supervisor.process(e.name);
        if (e.type === 'started' && proc) this.get(name)[which] = proc;
      },
    });
    for (const [name, a] of this.apps) {
      supervisor.supervise({ name: `${name}-daprd`, start: this.sidecarStarters.get(name)!, layer: 1 }, a.sidecar);
      if (!a.app) continue;
      const spec = this.options.apps.find((s) => (s.name ?? s.appId) === name)!;
      supervisor.supervise({ name, start: () => this.spawnApp(spec, a), layer: 2, liveness: appLiveness(`${a.appUrl}/healthz`) }, a.app);
    }
    this.supervisor = supervisor;
  }

  private waitReady(a: RunningApp): Promise<void> {
    const watched = [a.sidecar, ...(a.app ? [a.app] : [])];
    return waitForUrls(readinessUrls(a.daprUrl, a.app ? a.opsUrl : undefined, a.appId), watched, READY_TIMEOUT_MS, tokenHeader(a));
  }

  /** The last lines of every log of this stack, for a failing test's output. */
  failureReport(lines = 60): string {
    let out = `\n===== logs of stack ${this.runDir} =====\n`;
    for (const a of [...this.apps.values(), { sidecar: this.sentry?.process, app: undefined }]) {
      for (const p of [a.sidecar, a.app]) {
        if (!p) continue;
        out += `----- ${p.name} (${p.logFile}) -----\n${p.log().split('\n').slice(-lines).join('\n')}\n`;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    if ((globalThis as { __testFailed?: boolean }).__testFailed) process.stderr.write(this.failureReport());
    await this.stopProcesses();
    await this.sentry?.stop();
    await this.infrastructure.cleanup();
  }

  private async stopProcesses(): Promise<void> {
    if (this.supervisor) return this.supervisor.stop();
    const all = [...this.apps.values()];
    // Apps first (they drain through their sidecars), then the sidecars.
    await Promise.all(all.flatMap((a) => (a.app ? [a.app.stop()] : [])));
    await Promise.all(all.map((a) => a.sidecar.stop()));
  }
}
