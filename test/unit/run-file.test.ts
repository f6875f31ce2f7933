import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  RUN_FILE,
  daprdArgs,
  daprdEnv,
  loadRunFile,
  readComponents,
  readEnvFile,
  repoRoot,
  runFileProblems,
  LOCAL_ENV_FILE,
  type Ports,
  type RunFileApp,
} from '@shop/testkit';

const services = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));

/**
 * The ports the kernel hands out for outgoing connections (and for listen(0)): a fixed listen port in
 * there may be held by any client socket when the shop starts. Linux's default where /proc has none.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // not Linux: the default range stands in
  }
  return [32768, 60999];
}
const [ephemeralLow, ephemeralHigh] = ephemeralRange();
const ephemeral = (port: number) => port >= ephemeralLow && port <= ephemeralHigh;

// The local servers' listen ports: PostgreSQL, Redis, RabbitMQ (AMQP, management, Erlang distribution,
// epmd), NATS (client, monitoring), Mosquitto, MariaDB, Prometheus and Alertmanager defaults.
const SERVER_PORTS = [5432, 6379, 5672, 15672, 25672, 4369, 4222, 8222, 1883, 3306, 9090, 9093];

describe('dapr/run.yaml', () => {
  const run = loadRunFile();

  it('when read, then it lists exactly the services under services/, each started from its built main', () => {
    expect(
      run.apps
        .map((a) => a.appID)
        .filter((id) => services.includes(id))
        .sort(),
    ).toEqual([...services].sort());
    for (const app of run.apps.filter((a) => services.includes(a.appID))) {
      expect(app.command).toEqual(['node', `services/${app.appID}/dist/main.js`]);
      expect(app.appDirPath).toBe(repoRoot);
    }
  });

  it('when ports are compared, then no two apps or sidecars share one, and none is a placement or scheduler default', () => {
    const ports = run.apps.flatMap((a) =>
      [a.appPort, a.daprHTTPPort, a.daprGRPCPort, a.daprInternalGRPCPort, a.metricsPort, a.env?.OPS_PORT && Number(a.env.OPS_PORT)].filter(
        (p) => p !== undefined,
      ),
    );
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports).not.toEqual(expect.arrayContaining([50005]));
    expect(ports).not.toEqual(expect.arrayContaining([50006]));
  });

  it('when every fixed port is listed, then none lies in the ephemeral range, nor on a local server’s port', () => {
    const ports = run.apps.flatMap((a) =>
      Object.entries({
        appPort: a.appPort,
        daprHTTPPort: a.daprHTTPPort,
        daprGRPCPort: a.daprGRPCPort,
        daprInternalGRPCPort: a.daprInternalGRPCPort,
        metricsPort: a.metricsPort,
        OPS_PORT: a.env?.OPS_PORT === undefined ? undefined : Number(a.env.OPS_PORT),
      }).flatMap(([key, port]) => (port === undefined ? [] : [`${a.appID}.${key}=${port}`])),
    );
    // Every app and sidecar has its ports set: the runner would otherwise have none to bind.
    expect(ports.length).toBeGreaterThanOrEqual(run.apps.length * 4);
    const port = (p: string) => Number(p.split('=')[1]);
    expect(ports.filter((p) => ephemeral(port(p)))).toEqual([]);
    expect(ports.filter((p) => SERVER_PORTS.includes(port(p)))).toEqual([]);
  });

  it('when an app is started, then it gets an operations port (OPS_PORT) of its own, outside the ephemeral range', () => {
    for (const app of run.apps.filter((a) => a.command)) {
      const ops = Number(app.env?.OPS_PORT);
      // Any outgoing connection may hold an ephemeral port when the app starts.
      expect({ app: app.appID, ops, outsideEphemeral: !ephemeral(ops) }).toEqual({
        app: app.appID,
        ops: expect.any(Number),
        outsideEphemeral: true,
      });
      expect(Number.isInteger(ops) && ops > 0).toBe(true);
    }
  });

  it('when its resources and config are resolved, then they exist and name resolution is SQLite, never mDNS', () => {
    for (const p of run.common.resourcesPaths) expect(fs.existsSync(p)).toBe(true);
    const config = parse(fs.readFileSync(run.common.configFilePath!, 'utf8')) as { spec: { nameResolution: { component: string } } };
    expect(config.spec.nameResolution.component).toBe('sqlite');
  });

  it('when a profile is chosen, then only the profile folder is swapped', () => {
    expect(() => loadRunFile('no-such-profile')).toThrow(/no-such-profile/);
  });
});

// Issue 15: `dapr run -f dapr/run.yaml` must work with the real Dapr CLI (v1.18), which reads the file by its
// own rules; loadRunFile applies them (test/unit/run-file-rules.test.ts shows it does, on made-up files).
describe('dapr/run.yaml under the Dapr CLI', () => {
  const raw: unknown = parse(fs.readFileSync(RUN_FILE, 'utf8'));
  const run = loadRunFile('');
  const shell = readEnvFile(LOCAL_ENV_FILE);
  const profiles = fs
    .readdirSync(path.join(repoRoot, 'components'))
    .filter((d) => d !== 'common' && !d.startsWith('secrets-'))
    .sort();
  // What daprd reads through envRef, as it loads components: those in its resources scoped to its app id.
  const envRefsOf = (app: RunFileApp) =>
    readComponents(app.resourcesPaths)
      .filter((c) => c.scopes.length === 0 || c.scopes.includes(app.appID))
      .flatMap((c) =>
        c.metadata.flatMap((m) => (m.envRef ? [{ component: `${app.appID}: ${c.name} (${c.file})`, variable: m.envRef }] : [])),
      );

  it('when its keys are read with the CLI’s schema, then each is one the CLI knows, with a value of its kind', () => {
    expect(runFileProblems(raw)).toEqual([]);
  });

  it('when its paths are resolved by the CLI’s rules (common’s against the file, an app’s against its appDirPath), then each exists', () => {
    // loadRunFile throws on a path that does not exist, as the CLI exits on one; these are what it resolved.
    const paths = [
      run.common.configFilePath!,
      ...run.common.resourcesPaths,
      ...run.apps.flatMap((a) => [a.appDirPath, a.configFilePath, ...a.resourcesPaths]),
    ];
    expect(paths.filter((p) => !fs.existsSync(p))).toEqual([]);
    // No <appDirPath>/.dapr/resources or .dapr/config.yaml stands in for what the file names.
    for (const app of run.apps) expect(app.resourcesPaths).toEqual(run.common.resourcesPaths);
    for (const app of run.apps) expect(path.dirname(app.configFilePath)).not.toBe(path.join(app.appDirPath, '.dapr'));
  });

  it.each(profiles)(
    'when each app’s components of profile %s are loaded with only dapr/local.env in the shell, then no envRef reads as empty',
    (profile) => {
      const env = daprdEnv(shell);
      const refs = loadRunFile(profile).apps.flatMap(envRefsOf);
      expect(refs.length).toBeGreaterThan(0);
      // daprd reads an unset variable as "", and never one named DAPR_* or APP_API_TOKEN (isEnvVarAllowed).
      const unusable = refs.filter(({ variable }) => !env[variable] || /^DAPR_/i.test(variable) || /^APP_API_TOKEN$/i.test(variable));
      expect(unusable).toEqual([]);
    },
  );

  it('when its env is read, then it holds app settings only: nothing a component or daprd reads (the CLI gives it to the apps alone)', () => {
    const componentVariables = new Set(
      readComponents(fs.readdirSync(path.join(repoRoot, 'components')).map((d) => path.join(repoRoot, 'components', d))).flatMap((c) =>
        c.metadata.flatMap((m) => (m.envRef ? [m.envRef] : [])),
      ),
    );
    const keys = [...Object.keys(run.common.env), ...run.apps.flatMap((a) => Object.keys(a.env))];
    expect(keys.filter((k) => componentVariables.has(k) || k.startsWith('DAPR_'))).toEqual([]);
  });

  it('when dapr/local.env is sourced by sh, as the README says, then it sets exactly what the runner reads from it', () => {
    const envOf = (script: string) => {
      const out = spawnSync('env', ['-i', 'sh', '-c', `${script} env`], { cwd: repoRoot, encoding: 'utf8' });
      expect(out.status).toBe(0);
      return new Map(
        out.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    };
    const before = envOf('');
    const after = envOf('set -a; . dapr/local.env; set +a;');
    const set = Object.fromEntries([...after].filter(([k, v]) => before.get(k) !== v));
    expect(set).toEqual(shell);
  });

  it('when the sidecars’ flags are built, then every listen address is loopback: the API’s from the file, internal gRPC and metrics by the runner', () => {
    const ports: Ports = { app: 1, http: 2, grpc: 3, internal: 4, metrics: 5, ops: 6 };
    for (const app of run.apps) {
      const args = daprdArgs(app, ports, Boolean(app.command));
      const flag = (name: string) => args[args.indexOf(name) + 1];
      expect({
        app: app.appID,
        api: flag('--dapr-listen-addresses'),
        internal: flag('--dapr-internal-grpc-listen-address'),
        metrics: flag('--metrics-listen-address'),
      }).toEqual({ app: app.appID, api: '127.0.0.1', internal: '127.0.0.1', metrics: '127.0.0.1' });
      // Neither placement nor scheduler: the file's ' ' means none, and the CLI passes no address.
      expect(args).not.toEqual(expect.arrayContaining(['--placement-host-address']));
      expect(args).not.toEqual(expect.arrayContaining(['--scheduler-host-address']));
    }
  });
});
