// Typed configuration, read once at start-up. Each setting names its environment variable and says
// what it is for; a missing or malformed value stops the process with a message naming both.

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface Setting<T> {
  env: string;
  doc: string;
  parse(raw: string): T;
  /** Used when the variable is unset or empty; without one the setting is required. */
  fallback?: T;
  /** What a valid value looks like, for the error message. */
  expect: string;
}

type Env = Record<string, string | undefined>;

export function readConfig<S extends Record<string, Setting<unknown>>>(
  settings: S,
  env: Env = process.env,
): { [K in keyof S]: S[K] extends Setting<infer T> ? T : never } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(settings)) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') {
      if ('fallback' in s) out[key] = s.fallback;
      else problems.push(`${key} (${s.env}) is required: ${s.doc}; expected ${s.expect}`);
      continue;
    }
    try {
      out[key] = s.parse(raw);
    } catch {
      problems.push(`${key} (${s.env}) is '${raw}', expected ${s.expect}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as never;
}

/** The settings' defaults, for those that have one: what a test's app is configured with unless it says otherwise. */
export function settingDefaults<S extends Record<string, Setting<unknown>>>(settings: S): Partial<ConfigOf<S>> {
  return Object.fromEntries(Object.entries(settings).flatMap(([key, s]) => ('fallback' in s ? [[key, s.fallback]] : []))) as Partial<
    ConfigOf<S>
  >;
}

function fail(): never {
  throw new Error('invalid');
}

type Opts<T> = { doc: string; default?: T };

function setting<T>(env: string, opts: Opts<T>, expect: string, parse: (raw: string) => T): Setting<T> {
  return 'default' in opts ? { env, doc: opts.doc, parse, expect, fallback: opts.default } : { env, doc: opts.doc, parse, expect };
}

export const int = (env: string, opts: Opts<number> & { min?: number; max?: number }): Setting<number> => {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return setting(env, opts, `an integer from ${min} to ${max}`, (raw) => {
    const n = Number(raw);
    return /^-?\d+$/.test(raw.trim()) && n >= min && n <= max ? n : fail();
  });
};

export const port = (env: string, opts: Opts<number>): Setting<number> => int(env, { ...opts, min: 1, max: 65535 });

export const str = (env: string, opts: Opts<string> & { pattern?: RegExp }): Setting<string> =>
  setting(env, opts, opts.pattern ? `a value matching ${opts.pattern}` : 'a non-empty string', (raw) =>
    !opts.pattern || opts.pattern.test(raw) ? raw : fail(),
  );

/** An optional secret-like value: unset means "off". */
export const optional = (env: string, doc: string): Setting<string | undefined> => ({
  env,
  doc,
  expect: 'any string',
  parse: (raw) => raw,
  fallback: undefined,
});

export const bool = (env: string, opts: Opts<boolean>): Setting<boolean> =>
  setting(env, opts, 'true or false', (raw) => (raw === 'true' ? true : raw === 'false' ? false : fail()));

export const oneOf = <T extends string>(env: string, values: readonly T[], opts: Opts<T>): Setting<T> =>
  setting(env, opts, `one of ${values.join(', ')}`, (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : fail()));

/** The settings every service shares: its port, its sidecar, logging. */
export const commonSettings = {
  port: port('APP_PORT', { doc: 'port the app listens on (the sidecar calls it there)', default: 3000 }),
  host: str('APP_HOST', { doc: 'address the app binds', default: '127.0.0.1' }),
  opsPort: port('OPS_PORT', {
    doc: 'port of the operations listener (/readyz, /metrics, /healthz) on APP_HOST; the app port serves only /healthz of them',
    default: 9300,
  }),
  daprHost: str('DAPR_HOST', { doc: 'address of the Dapr sidecar', default: '127.0.0.1' }),
  daprHttpPort: port('DAPR_HTTP_PORT', { doc: "the sidecar's HTTP API port", default: 3500 }),
  daprApiToken: optional('DAPR_API_TOKEN', 'token the sidecar requires of its app (dapr-api-token)'),
  appApiToken: optional('APP_API_TOKEN', 'token the sidecar presents to the app; calls without it are refused'),
  logLevel: oneOf('LOG_LEVEL', ['error', 'warn', 'info', 'debug'] as const, { doc: 'log level', default: 'info' }),
  sidecarWaitMs: int('DAPR_WAIT_MS', { doc: 'how long start-up waits for the sidecar', default: 60_000, min: 0 }),
  drainMs: int('SHUTDOWN_DRAIN_MS', { doc: 'how long SIGTERM waits for in-flight requests', default: 10_000, min: 0 }),
};

/** A service's own defaults for the settings every service has. */
export interface SharedDefaults {
  port: number;
  opsPort: number;
  /** Largest JSON request body, e.g. '16kb'. */
  bodyLimit: string;
}

/** The settings every service shares (`commonSettings`), its secret store, and its body limit. */
export function sharedSettings(defaults: SharedDefaults) {
  return {
    ...commonSettings,
    port: port('APP_PORT', { doc: 'port the app listens on (the sidecar calls it there)', default: defaults.port }),
    opsPort: port('OPS_PORT', {
      doc: 'port of the operations listener (/readyz, /metrics, /healthz) on APP_HOST; the app port serves only /healthz of them',
      default: defaults.opsPort,
    }),
    secretStore: str('SECRET_STORE', { doc: "Dapr secret store component holding the service's secrets", default: 'secretstore' }),
    bodyLimit: str('BODY_LIMIT', { doc: 'largest JSON request body', default: defaults.bodyLimit, pattern: /^\d+(b|kb|mb)$/ }),
  };
}

export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };
