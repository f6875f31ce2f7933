// The keys of the Dapr CLI's multi-app run file (`dapr run -f`) and the kind of value each takes, as the
// CLI v1.18.0 declares them: `pkg/runfileconfig/run_file_config.go` (RunFileConfig, App, Common) and the
// structs it inlines from `pkg/standalone/run.go` (RunConfig, SharedRunConfig), read with gopkg.in/yaml.v2.
// yaml.v2 drops a key it does not know without a word, so a misspelt or invented key would be ignored by
// the CLI: here it is a problem. (Untagged fields such as ComponentsPath are reachable in yaml.v2 under
// their lower-cased Go name; they are deprecated or internal and are not listed.)

export type ValueKind = 'string' | 'int' | 'bool' | 'strings' | 'env' | 'logDestination' | 'pullPolicy';

/** SharedRunConfig: settable in `common` and in each app; an app's own value wins where it has one. */
export const SHARED_KEYS = {
  configFilePath: 'string',
  appProtocol: 'string',
  apiListenAddresses: 'string',
  enableProfiling: 'bool',
  logLevel: 'string',
  appMaxConcurrency: 'int',
  placementHostAddress: 'string',
  resourcesPath: 'string',
  resourcesPaths: 'strings',
  appSSL: 'bool',
  maxBodySize: 'string',
  readBufferSize: 'string',
  enableAppHealthCheck: 'bool',
  appHealthCheckPath: 'string',
  appHealthProbeInterval: 'int',
  appHealthProbeTimeout: 'int',
  appHealthThreshold: 'int',
  enableApiLogging: 'bool',
  runtimePath: 'string',
  env: 'env',
  daprdLogDestination: 'logDestination',
  appLogDestination: 'logDestination',
  schedulerHostAddress: 'string',
} as const satisfies Record<string, ValueKind>;

/** RunConfig, ContainerConfiguration and App: an app's own keys. */
export const APP_ONLY_KEYS = {
  appDirPath: 'string',
  appID: 'string',
  appChannelAddress: 'string',
  appPort: 'int',
  daprHTTPPort: 'int',
  daprGRPCPort: 'int',
  profilePort: 'int',
  command: 'strings',
  metricsPort: 'int',
  unixDomainSocket: 'string',
  daprInternalGRPCPort: 'int',
  containerImage: 'string',
  containerImagePullPolicy: 'pullPolicy',
  createService: 'bool',
} as const satisfies Record<string, ValueKind>;

export type SharedKey = keyof typeof SHARED_KEYS;

const TOP_KEYS = ['version', 'name', 'common', 'apps'];
const LOG_DESTINATIONS = ['console', 'file', 'fileAndConsole'];
const PULL_POLICIES = ['Always', 'Never', 'IfNotPresent'];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindProblem(kind: ValueKind, v: unknown): string | undefined {
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? undefined : 'a string';
    case 'int':
      return Number.isInteger(v) ? undefined : 'an integer';
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'true or false';
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : 'a list of strings';
    case 'env':
      // yaml.v2 reads any scalar into a map[string]string value.
      return isMap(v) && Object.values(v).every((s) => ['string', 'number', 'boolean'].includes(typeof s)) ? undefined : 'a map of scalars';
    case 'logDestination':
      return typeof v === 'string' && LOG_DESTINATIONS.includes(v) ? undefined : LOG_DESTINATIONS.join(', ');
    case 'pullPolicy':
      return typeof v === 'string' && PULL_POLICIES.includes(v) ? undefined : PULL_POLICIES.join(', ');
  }
}

function sectionProblems(where: string, section: unknown, keys: Record<string, ValueKind>): string[] {
  if (!isMap(section)) return [`${where} is not a map`];
  return Object.entries(section).flatMap(([key, value]) => {
    const kind = keys[key];
    if (!kind) return [`${where}.${key} is not a key of the Dapr CLI's run file (the CLI would ignore it)`];
    // A key with no value is unset for the CLI: say so rather than guess what was meant.
    if (value === null) return [`${where}.${key} has no value`];
    const expected = kindProblem(kind, value);
    return expected ? [`${where}.${key} must be ${expected}`] : [];
  });
}

/**
 * What the Dapr CLI would refuse, or silently ignore, in a parsed run file: unknown keys, values of the
 * wrong kind, a missing `version` or `appDirPath`. Empty when the file is one the CLI reads as written.
 */
export function runFileProblems(raw: unknown): string[] {
  if (!isMap(raw)) return ['the run file is not a map'];
  const problems = Object.keys(raw)
    .filter((k) => !TOP_KEYS.includes(k))
    .map((k) => `${k} is not a key of the Dapr CLI's run file (the CLI would ignore it)`);
  if (!Number.isInteger(raw.version) || raw.version === 0) problems.push('version must be a non-zero integer (the CLI requires it)');
  if (raw.name !== undefined && typeof raw.name !== 'string') problems.push('name must be a string');
  if (raw.common !== undefined) problems.push(...sectionProblems('common', raw.common, SHARED_KEYS));
  if (!Array.isArray(raw.apps)) return [...problems, 'apps must be a list'];
  raw.apps.forEach((app: unknown, i) => {
    const where = `apps[${i}]`;
    problems.push(...sectionProblems(where, app, { ...SHARED_KEYS, ...APP_ONLY_KEYS }));
    if (isMap(app) && !app.appDirPath) problems.push(`${where}.appDirPath is required`);
  });
  return problems;
}
