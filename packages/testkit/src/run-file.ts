import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths';
import { runFileProblems, SHARED_KEYS, type SharedKey } from './run-file-schema';

/** What a run file's `common` section shares with its apps (the CLI's SharedRunConfig). */
export interface SharedRunConfig {
  configFilePath?: string;
  appProtocol?: string;
  apiListenAddresses?: string;
  enableProfiling?: boolean;
  logLevel?: string;
  appMaxConcurrency?: number;
  placementHostAddress?: string;
  resourcesPath?: string;
  resourcesPaths?: string[];
  appSSL?: boolean;
  maxBodySize?: string;
  readBufferSize?: string;
  enableAppHealthCheck?: boolean;
  appHealthCheckPath?: string;
  appHealthProbeInterval?: number;
  appHealthProbeTimeout?: number;
  appHealthThreshold?: number;
  enableApiLogging?: boolean;
  runtimePath?: string;
  env?: Record<string, string>;
  daprdLogDestination?: string;
  appLogDestination?: string;
  schedulerHostAddress?: string;
}

/**
 * One app as the Dapr CLI runs it (`pkg/runfileconfig`, `GetApps`): the common section merged in, every
 * path absolute, its resources, Configuration, app id and log destinations chosen as the CLI chooses them.
 */
export interface RunFileApp extends SharedRunConfig {
  appID: string;
  appDirPath: string;
  appChannelAddress?: string;
  appPort?: number;
  daprHTTPPort?: number;
  daprGRPCPort?: number;
  profilePort?: number;
  metricsPort?: number;
  daprInternalGRPCPort?: number;
  command?: string[];
  unixDomainSocket?: string;
  containerImage?: string;
  containerImagePullPolicy?: string;
  createService?: boolean;
  configFilePath: string;
  resourcesPaths: string[];
  /** The run file's env for this app: common's, under the app's own. The CLI gives it to the app only. */
  env: Record<string, string>;
}

export interface RunFile {
  version: number;
  name?: string;
  /** The common section, its paths absolute (relative to the run file's folder). */
  common: SharedRunConfig & { resourcesPaths: string[]; env: Record<string, string> };
  apps: RunFileApp[];
}

export const RUN_FILE = path.join(repoRoot, 'dapr', 'run.yaml');

/** A profile folder: components/<x>, except components/common and the secret store folders components/secrets-<x>. */
const isProfileFolder = (p: string) =>
  path.basename(path.dirname(p)) === 'components' && path.basename(p) !== 'common' && !path.basename(p).startsWith('secrets-');

/**
 * Reads a run file exactly as the Dapr CLI v1.18 does (`pkg/runfileconfig/run_file_config_parser.go`):
 *  - `common`'s paths (configFilePath, resourcesPath(s), runtimePath) are relative to the run file's folder,
 *    an app's appDirPath too, and every other path of an app relative to ITS appDirPath; `~/` is the home
 *    folder; every path must exist;
 *  - an app's resources are its own resourcesPaths, else `<appDirPath>/.dapr/resources` if it exists, else
 *    common's, else `<dapr dir>/components`; its Configuration likewise (`<appDirPath>/.dapr/config.yaml`);
 *  - every common setting an app leaves unset (Go's zero value) is common's; env is merged, the app's keys
 *    winning; the app id defaults to appDirPath's name; log destinations to file (daprd) and
 *    fileAndConsole (app).
 * A key the CLI does not know, or a value of the wrong kind, is refused (the CLI would ignore the key).
 * With a profile, every components/<x> folder in the resources (but components/common and secrets-<x>) is
 * swapped for components/<profile>: how DAPR_PROFILE switches infrastructure without editing the file.
 */
export function loadRunFile(profile = process.env.DAPR_PROFILE, file = RUN_FILE): RunFile {
  const raw: unknown = parse(fs.readFileSync(file, 'utf8'));
  const problems = runFileProblems(raw);
  if (problems.length) throw new Error(`${file}:\n  ${problems.join('\n  ')}`);
  const doc = raw as { version: number; name?: string; common?: SharedRunConfig; apps: Array<Partial<RunFileApp>> };
  const base = path.dirname(path.resolve(file));
  const common = resolvePaths({ ...doc.common }, base);
  const apps = doc.apps.map((entry) => {
    const appDirPath = resolvePath(base, entry.appDirPath!);
    return resolvePaths({ ...entry, appDirPath }, appDirPath);
  });
  const swap = (paths: string[]) => (profile ? paths.map((p) => (isProfileFolder(p) ? path.join(path.dirname(p), profile) : p)) : paths);
  for (const p of swap([...(common.resourcesPaths ?? []), ...apps.flatMap((a) => a.resourcesPaths ?? [])]))
    if (!fs.existsSync(p)) throw new Error(`component folder ${p} does not exist (DAPR_PROFILE=${profile ?? ''})`);
  const resolved = apps.map((a) => withCommon(a, common));
  return {
    version: doc.version,
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    common: { ...common, resourcesPaths: swap(common.resourcesPaths ?? []), env: stringValues(common.env) },
    apps: resolved.map((a) => ({ ...a, resourcesPaths: swap(a.resourcesPaths) })),
  };
}

/** An app the run file does not list, as the CLI would run an entry with only this id and the run file's folder's parent as appDirPath. */
export function appFromCommon(run: RunFile, appID: string, appDirPath = repoRoot): RunFileApp {
  return withCommon({ appDirPath, appID }, run.common);
}

/** The run file with every app's (and common's) resource folders mapped, e.g. to swap in another secret store. */
export function mapResources(run: RunFile, map: (paths: string[]) => string[]): RunFile {
  const memo = new Map<string, string[]>();
  const once = (paths: string[]) => {
    const key = JSON.stringify(paths);
    if (!memo.has(key)) memo.set(key, map(paths));
    return memo.get(key)!;
  };
  return {
    ...run,
    common: { ...run.common, resourcesPaths: once(run.common.resourcesPaths) },
    apps: run.apps.map((a) => ({ ...a, resourcesPaths: once(a.resourcesPaths) })),
  };
}

/** Every resource folder some app of the run file loads, once each. */
export function resourcesOfApps(run: RunFile): string[] {
  return [...new Set(run.apps.flatMap((a) => a.resourcesPaths))];
}

/** The name of the profile a run file (as loaded) uses: its profile folder's name. */
export function profileOf(run: RunFile): string {
  const folder = run.common.resourcesPaths.find(isProfileFolder);
  return folder ? path.basename(folder) : 'none';
}

/** The CLI's `.dapr` folder: `<runtimePath>/.dapr`, else `$DAPR_RUNTIME_PATH/.dapr`, else `~/.dapr`. */
export function daprDir(runtimePath?: string): string {
  const root = runtimePath?.trim() || process.env.DAPR_RUNTIME_PATH?.trim() || os.homedir();
  return path.join(root, '.dapr');
}

/** utils.ResolveHomeDir, then utils.GetAbsPath, then utils.ValidateFilePath. */
function resolvePath(baseDir: string, p: string): string {
  const home = p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
  const abs = path.isAbsolute(home) ? home : path.resolve(baseDir, home);
  if (!fs.existsSync(abs)) throw new Error(`${p} (resolved against ${baseDir}) is ${abs}, which does not exist`);
  return abs;
}

/** resolvePathToAbsAndValidate over a section's path keys, then resourcesPath merged into resourcesPaths. */
function resolvePaths<T extends SharedRunConfig>(section: T, baseDir: string): T {
  const out: T = { ...section };
  for (const key of ['configFilePath', 'resourcesPath', 'runtimePath'] as const) {
    const value = section[key];
    if (value) out[key] = resolvePath(baseDir, value);
  }
  if (section.resourcesPaths) out.resourcesPaths = section.resourcesPaths.map((p) => resolvePath(baseDir, p));
  if (out.resourcesPath?.trim()) out.resourcesPaths = [...(out.resourcesPaths ?? []), out.resourcesPath];
  return out;
}

/** Go's IsZero for a run-file value: unset, '', 0, false (a placement or scheduler address is a pointer: '' is set). */
const isZero = (key: SharedKey, v: unknown) =>
  v === undefined || v === 0 || v === false || (v === '' && key !== 'placementHostAddress' && key !== 'schedulerHostAddress');

function withCommon(app: Partial<RunFileApp> & { appDirPath: string }, common: SharedRunConfig): RunFileApp {
  const local = path.join(app.appDirPath, '.dapr');
  const dir = () => daprDir(app.runtimePath || common.runtimePath);
  // resolveResourcesFilePath and resolveConfigFilePath, before the merge.
  const resourcesPaths = app.resourcesPaths?.length
    ? app.resourcesPaths
    : fs.existsSync(path.join(local, 'resources'))
      ? [path.join(local, 'resources')]
      : common.resourcesPaths?.length
        ? common.resourcesPaths
        : [path.join(dir(), 'components')];
  const configFilePath =
    app.configFilePath ||
    (fs.existsSync(path.join(local, 'config.yaml'))
      ? path.join(local, 'config.yaml')
      : common.configFilePath?.trim()
        ? common.configFilePath
        : path.join(dir(), 'config.yaml'));
  const merged: Record<string, unknown> = { ...app, resourcesPaths, configFilePath };
  for (const key of Object.keys(SHARED_KEYS) as SharedKey[])
    if (isZero(key, merged[key]) && common[key] !== undefined) merged[key] = common[key];
  return {
    ...(merged as Omit<RunFileApp, 'env'>),
    env: { ...stringValues(common.env), ...stringValues(app.env) },
    appID: app.appID || path.basename(app.appDirPath),
    daprdLogDestination: (merged.daprdLogDestination as string | undefined) || 'file',
    appLogDestination: (merged.appLogDestination as string | undefined) || 'fileAndConsole',
  };
}

const stringValues = (env: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));
