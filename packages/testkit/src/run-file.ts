import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths';

/** The subset of the Dapr CLI's multi-app run file (`dapr run -f`) that this repository uses. */
export interface RunFileApp {
  appID: string;
  appDirPath: string;
  appPort?: number;
  daprHTTPPort?: number;
  daprGRPCPort?: number;
  daprInternalGRPCPort?: number;
  metricsPort?: number;
  command?: string[];
  env?: Record<string, string>;
  /** Overrides the common Configuration for this app (the ingress has its own). */
  configFilePath?: string;
}

export interface RunFile {
  version: number;
  common: {
    resourcesPaths: string[];
    configFilePath: string;
    appProtocol?: string;
    apiListenAddresses?: string;
    enableAppHealthCheck?: boolean;
    appHealthCheckPath?: string;
    logLevel?: string;
    env?: Record<string, string>;
  };
  apps: RunFileApp[];
}

export const RUN_FILE = path.join(repoRoot, 'dapr', 'run.yaml');

/** A profile folder: components/<x>, except components/common and the secret store folders components/secrets-<x>. */
const isProfileFolder = (p: string) =>
  path.basename(path.dirname(p)) === 'components' && path.basename(p) !== 'common' && !path.basename(p).startsWith('secrets-');

/**
 * Reads the run file with every path made absolute (common ones relative to the file, an app's own to its
 * appDirPath). With a profile,
 * the profile folder in resourcesPaths (any components/<x> but components/common and secrets-<x>) is
 * swapped for components/<profile>: that is how DAPR_PROFILE switches infrastructure without editing the file.
 */
export function loadRunFile(profile = process.env.DAPR_PROFILE, file = RUN_FILE): RunFile {
  const raw = parse(fs.readFileSync(file, 'utf8')) as RunFile;
  const base = path.dirname(file);
  const abs = (p: string) => path.resolve(base, p);
  const resourcesPaths = raw.common.resourcesPaths
    .map(abs)
    .map((p) => (profile && isProfileFolder(p) ? path.join(path.dirname(p), profile) : p));
  for (const p of resourcesPaths)
    if (!fs.existsSync(p)) throw new Error(`component folder ${p} does not exist (DAPR_PROFILE=${profile ?? ''})`);
  return {
    ...raw,
    common: { ...raw.common, resourcesPaths, configFilePath: abs(raw.common.configFilePath) },
    // An app's own paths are relative to its appDirPath, as the Dapr CLI resolves them
    // (pkg/runfileconfig: validateRunConfig), not to the run file.
    apps: raw.apps.map((a) => {
      const appDirPath = abs(a.appDirPath);
      return { ...a, appDirPath, ...(a.configFilePath ? { configFilePath: path.resolve(appDirPath, a.configFilePath) } : {}) };
    }),
  };
}

/** The name of the profile a run file (as loaded) uses: its profile folder's name. */
export function profileOf(run: RunFile): string {
  const folder = run.common.resourcesPaths.find(isProfileFolder);
  return folder ? path.basename(folder) : 'none';
}

export interface Ports {
  app: number;
  http: number;
  grpc: number;
  internal: number;
  metrics: number;
  /** The app's operations listener (OPS_PORT: /readyz, /metrics), never its app port. */
  ops: number;
}

/** daprd's command line for one app, everything bound to loopback, no placement or scheduler. */
export function daprdArgs(run: RunFile, app: RunFileApp, ports: Ports, hasApp: boolean): string[] {
  const c = run.common;
  return [
    '--app-id',
    app.appID,
    '--dapr-http-port',
    String(ports.http),
    '--dapr-grpc-port',
    String(ports.grpc),
    '--dapr-internal-grpc-port',
    String(ports.internal),
    '--dapr-internal-grpc-listen-address',
    '127.0.0.1',
    '--metrics-port',
    String(ports.metrics),
    '--metrics-listen-address',
    '127.0.0.1',
    '--dapr-listen-addresses',
    c.apiListenAddresses ?? '127.0.0.1',
    '--config',
    app.configFilePath ?? c.configFilePath,
    ...c.resourcesPaths.flatMap((p) => ['--resources-path', p]),
    '--placement-host-address',
    '',
    '--scheduler-host-address',
    '',
    '--log-level',
    c.logLevel ?? 'info',
    ...(hasApp
      ? [
          '--app-port',
          String(ports.app),
          '--app-protocol',
          c.appProtocol ?? 'http',
          '--app-channel-address',
          '127.0.0.1',
          ...(c.enableAppHealthCheck ? ['--enable-app-health-check', '--app-health-check-path', c.appHealthCheckPath ?? '/healthz'] : []),
        ]
      : []),
  ];
}

/** The environment the CLI gives an app (APP_ID, APP_PORT, DAPR_HTTP_PORT, ...) plus the file's env. */
export function appEnv(run: RunFile, app: RunFileApp, ports: Ports): Record<string, string> {
  return {
    ...run.common.env,
    APP_ID: app.appID,
    APP_PORT: String(ports.app),
    DAPR_HTTP_PORT: String(ports.http),
    DAPR_GRPC_PORT: String(ports.grpc),
    DAPR_METRICS_PORT: String(ports.metrics),
    ...app.env,
  };
}
