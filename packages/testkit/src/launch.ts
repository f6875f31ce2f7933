// How the Dapr CLI v1.18 starts one app of a run file and its sidecar (`pkg/standalone/run.go`: getArgs,
// getEnv, GetAppCommand; `cmd/run.go`: startDaprdProcess), for the repository's runner and test stacks:
// the same daprd flags and defaults, the run file's env to the app only, the shell's environment to daprd.
// Where the runner does more than the CLI can, it says so here (and the README says it for developers).
import type { RunFileApp } from './run-file';

export interface Ports {
  app: number;
  http: number;
  grpc: number;
  internal: number;
  metrics: number;
  /** The app's operations listener (OPS_PORT: /readyz, /metrics), never its app port. */
  ops: number;
}

/** Run-file settings the runner does not apply: refused, so that it never runs something the CLI would run differently. */
const NOT_APPLIED = [
  'unixDomainSocket',
  'enableProfiling',
  'profilePort',
  'runtimePath',
  'containerImage',
  'containerImagePullPolicy',
  'createService',
] as const;

/**
 * The placement address the CLI passes: unset means `localhost:50005`; blank (`' '` or `''`) means none
 * (no flag); a host without a port gets :50005.
 */
export function placementAddress(value: string | undefined): string | undefined {
  if (value === undefined) return 'localhost:50005';
  const v = value.trim();
  return v === '' ? undefined : v.includes(':') ? v : `${v}:50005`;
}

/**
 * The scheduler address the CLI passes to daprd ≥ 1.15: unset or `''` means `localhost:50006`; only a
 * blank one (`' '`) means none (no flag); a host without a port gets :50006.
 */
export function schedulerAddress(value: string | undefined): string | undefined {
  const v = (value === undefined || value === '' ? 'localhost' : value).trim();
  return v === '' ? undefined : v.includes(':') ? v : `${v}:50006`;
}

/** APP_PROTOCOL as the CLI sets it for the app (getAppProtocol); undefined where the CLI leaves it out. */
function appProtocolEnv(app: RunFileApp): string | undefined {
  const p = (app.appProtocol ?? '').toLowerCase();
  if (['grpcs', 'https', 'h2c'].includes(p)) return p;
  if (p === 'http' || p === '') return app.appSSL ? 'https' : 'http';
  if (p === 'grpc') return app.appSSL ? 'grpcs' : 'grpc';
  return undefined;
}

/**
 * daprd's command line for one app: the flags the CLI derives from the run file, with its defaults
 * (app protocol http, no concurrency limit, 4Mi bodies, 4Ki read buffer), on the given ports; `hasApp`
 * false starts the sidecar alone. Then what the CLI cannot pass (the run file has no key for them): the
 * internal gRPC server and the metrics server on loopback. Under the CLI those two listen on every
 * interface (daprd's defaults), a difference the README and dapr/run.yaml state.
 */
export function daprdArgs(app: RunFileApp, ports: Ports, hasApp: boolean): string[] {
  const set = NOT_APPLIED.filter((k) => app[k] !== undefined && app[k] !== false);
  if (set.length)
    throw new Error(`${app.appID}: the repository's runner does not apply ${set.join(', ')}; run this file with the Dapr CLI`);
  const opt = (flag: string, v: string | number | undefined, unless?: string): string[] =>
    v === undefined || String(v) === '' || String(v) === unless ? [] : [flag, String(v)];
  const bool = (flag: string, v: boolean | undefined) => (v ? [flag] : []);
  const concurrency = app.appMaxConcurrency !== undefined && app.appMaxConcurrency >= 1 ? app.appMaxConcurrency : -1;
  return [
    '--app-id',
    app.appID,
    ...opt('--app-channel-address', app.appChannelAddress?.trim(), '127.0.0.1'),
    ...(hasApp ? ['--app-port', String(ports.app)] : []),
    '--dapr-http-port',
    String(ports.http),
    '--dapr-grpc-port',
    String(ports.grpc),
    '--metrics-port',
    String(ports.metrics),
    '--dapr-internal-grpc-port',
    String(ports.internal),
    '--config',
    app.configFilePath,
    '--app-protocol',
    app.appProtocol || 'http',
    ...opt('--dapr-listen-addresses', app.apiListenAddresses),
    ...opt('--log-level', app.logLevel),
    '--app-max-concurrency',
    String(concurrency),
    ...opt('--placement-host-address', placementAddress(app.placementHostAddress)),
    ...app.resourcesPaths.flatMap((p) => ['--resources-path', p]),
    ...bool('--app-ssl', app.appSSL),
    '--max-body-size',
    app.maxBodySize || '4Mi',
    '--read-buffer-size',
    app.readBufferSize || '4Ki',
    ...bool('--enable-app-health-check', app.enableAppHealthCheck),
    ...opt('--app-health-check-path', app.appHealthCheckPath),
    ...opt('--app-health-probe-interval', app.appHealthProbeInterval, '0'),
    ...opt('--app-health-probe-timeout', app.appHealthProbeTimeout, '0'),
    ...opt('--app-health-threshold', app.appHealthThreshold, '0'),
    ...bool('--enable-api-logging', app.enableApiLogging),
    ...opt('--scheduler-host-address', schedulerAddress(app.schedulerHostAddress)),
    // The runner's own: every sidecar port on loopback.
    '--dapr-internal-grpc-listen-address',
    '127.0.0.1',
    '--metrics-listen-address',
    '127.0.0.1',
  ];
}

/**
 * The app's environment as the CLI adds it over the shell's: APP_ID, APP_CHANNEL_ADDRESS, APP_PORT (when
 * there is one), the sidecar's ports, APP_PROTOCOL, then the run file's env (which may override any of them).
 */
export function appEnv(app: RunFileApp, ports: Ports): Record<string, string> {
  const protocol = appProtocolEnv(app);
  return {
    APP_ID: app.appID,
    APP_CHANNEL_ADDRESS: app.appChannelAddress ?? '',
    ...(ports.app > 0 ? { APP_PORT: String(ports.app) } : {}),
    DAPR_HTTP_PORT: String(ports.http),
    DAPR_GRPC_PORT: String(ports.grpc),
    DAPR_METRICS_PORT: String(ports.metrics),
    ...(protocol ? { APP_PROTOCOL: protocol } : {}),
    ...app.env,
  };
}

/**
 * daprd's environment as the CLI gives it: the shell's, and nothing of the run file (its env goes to the
 * app only), plus DAPR_HOST_IP=127.0.0.1 when the shell has no DAPR_HOST_IP. What a component reads
 * through `envRef` must therefore be in the shell: dapr/local.env for developers, each run's own values
 * for tests.
 */
export function daprdEnv(shell: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(shell).filter((e): e is [string, string] => e[1] !== undefined));
  return 'DAPR_HOST_IP' in env ? env : { ...env, DAPR_HOST_IP: '127.0.0.1' };
}
