// Issue 15: the repository's runner reads a run file by the Dapr CLI v1.18's rules
// (pkg/runfileconfig/run_file_config_parser.go) and starts an app and its sidecar as the CLI does
// (pkg/standalone/run.go, cmd/run.go). Shown here on made-up files in a temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appEnv, daprdArgs, daprdEnv, loadRunFile, placementAddress, runFileProblems, schedulerAddress, type Ports } from '@shop/testkit';

let root: string;
const write = (rel: string, text = '') => {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
const mkdir = (rel: string) => fs.mkdirSync(path.join(root, rel), { recursive: true });
/** A run file at <root>/dapr/run.yaml; its apps live in <root>/web and <root>/api. */
const runFile = (yaml: string) => write('dapr/run.yaml', yaml);
const ports: Ports = { app: 3000, http: 3500, grpc: 3700, internal: 3800, metrics: 9100, ops: 9300 };

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-run-file-'));
  write('dapr/config.yaml');
  mkdir('components/common');
  mkdir('web');
  mkdir('api');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const COMMON = `version: 1
common:
  configFilePath: ./config.yaml
  resourcesPaths: [../components/common]
`;

describe('a run file read by the Dapr CLI’s rules', () => {
  it('when an app’s configFilePath is relative, then it is resolved against its appDirPath, not the run file', () => {
    // The case: ./ingress.yaml next to the run file, appDirPath ../ — the CLI looks for <root>/ingress.yaml.
    write('dapr/ingress.yaml');
    const file = runFile(`${COMMON}apps:\n  - appID: ingress\n    appDirPath: ../\n    configFilePath: ./ingress.yaml\n`);
    expect(() => loadRunFile('', file)).toThrow(/ingress\.yaml.*does not exist/);
    write('ingress.yaml');
    expect(loadRunFile('', file).apps[0]!.configFilePath).toBe(path.join(root, 'ingress.yaml'));
  });

  it('when common’s paths and an appDirPath are relative, then they are resolved against the run file’s folder', () => {
    const run = loadRunFile('', runFile(`${COMMON}apps:\n  - appDirPath: ../web\n`));
    expect(run.common.configFilePath).toBe(path.join(root, 'dapr', 'config.yaml'));
    expect(run.common.resourcesPaths).toEqual([path.join(root, 'components', 'common')]);
    expect(run.apps[0]!.appDirPath).toBe(path.join(root, 'web'));
  });

  it('when an app names no resources or Configuration, then <appDirPath>/.dapr/ comes before common’s, and its own before both', () => {
    write('web/.dapr/config.yaml');
    mkdir('web/.dapr/resources');
    mkdir('api/components');
    write('api/own.yaml');
    const run = loadRunFile(
      '',
      runFile(
        `${COMMON}apps:\n  - appDirPath: ../web\n  - appDirPath: ../api\n    configFilePath: own.yaml\n    resourcesPaths: [components]\n`,
      ),
    );
    expect(run.apps.map((a) => [a.configFilePath, a.resourcesPaths])).toEqual([
      [path.join(root, 'web', '.dapr', 'config.yaml'), [path.join(root, 'web', '.dapr', 'resources')]],
      [path.join(root, 'api', 'own.yaml'), [path.join(root, 'api', 'components')]],
    ]);
  });

  it('when common sets what an app leaves unset, then the app gets common’s; its own values and env keys win', () => {
    const run = loadRunFile(
      '',
      runFile(`${COMMON}  appHealthProbeTimeout: 10
  logLevel: debug
  env: { A: common, B: common, DEBUG: false }
apps:
  - appDirPath: ../web
    appHealthProbeTimeout: 1
    env: { B: web }
  - appID: backend
    appDirPath: ../api
`),
    );
    const [web, backend] = run.apps;
    expect(web).toMatchObject({
      appID: 'web',
      appHealthProbeTimeout: 1,
      logLevel: 'debug',
      env: { A: 'common', B: 'web', DEBUG: 'false' },
    });
    expect(backend).toMatchObject({ appID: 'backend', appHealthProbeTimeout: 10, env: { A: 'common', B: 'common', DEBUG: 'false' } });
    expect(web).toMatchObject({ daprdLogDestination: 'file', appLogDestination: 'fileAndConsole' });
  });

  it('when a path starts with ~/, then it is in the home folder', () => {
    const file = runFile(`version: 1\ncommon:\n  resourcesPaths: ['~/']\napps:\n  - appDirPath: ../web\n`);
    expect(loadRunFile('', file).common.resourcesPaths).toEqual([os.homedir()]);
  });

  it.each([
    ['an unknown key', `${COMMON}  envFile: ./local.env\napps:\n  - appDirPath: ../web\n`, /common\.envFile is not a key/],
    [
      'a key of an app only, in common',
      `${COMMON}  metricsPort: 9100\napps:\n  - appDirPath: ../web\n`,
      /common\.metricsPort is not a key/,
    ],
    ['a value of the wrong kind', `${COMMON}apps:\n  - appDirPath: ../web\n    appPort: '3000'\n`, /appPort must be an integer/],
    ['no version', `common: {}\napps:\n  - appDirPath: ../web\n`, /version/],
    ['an app without appDirPath', `${COMMON}apps:\n  - appID: web\n`, /appDirPath is required/],
    ['an unknown log destination', `${COMMON}apps:\n  - appDirPath: ../web\n    appLogDestination: stdout\n`, /appLogDestination/],
  ])('when a file has %s, then it is refused', (_, yaml, message) => {
    expect(() => loadRunFile('', runFile(yaml))).toThrow(message);
  });

  it('when the CLI’s own example file is checked, then it has no problem', () => {
    // pkg/runfileconfig/testdata/test_run_config.yaml of dapr/cli v1.18.0, parsed.
    const example = {
      version: 1,
      common: { resourcesPath: './app/resources', appProtocol: 'HTTP', appHealthProbeTimeout: 10, env: { DEBUG: false, tty: 'sts' } },
      apps: [
        {
          appDirPath: './webapp/',
          resourcesPath: './resources',
          configFilePath: './config.yaml',
          appPort: 8080,
          appHealthProbeTimeout: 1,
          command: ['python3', 'app.py'],
        },
        {
          appID: 'backend',
          appDirPath: './backend/',
          appProtocol: 'GRPC',
          appPort: 3000,
          unixDomainSocket: '/tmp/test-socket',
          env: { DEBUG: true },
          command: ['./backend'],
        },
      ],
    };
    expect(runFileProblems(example)).toEqual([]);
  });
});

describe('an app and its sidecar started as the Dapr CLI starts them', () => {
  const load = (extra = '') =>
    loadRunFile(
      '',
      runFile(
        `${COMMON}${extra}  env: { LOG_LEVEL: info }\napps:\n  - appID: web\n    appDirPath: ../web\n    command: [node, main.js]\n    env: { APP_ID: renamed }\n`,
      ),
    ).apps[0]!;

  it('when the app’s environment is built, then it has the CLI’s variables and the run file’s env over them', () => {
    expect(appEnv(load(), ports)).toEqual({
      APP_ID: 'renamed',
      APP_CHANNEL_ADDRESS: '',
      APP_PORT: '3000',
      DAPR_HTTP_PORT: '3500',
      DAPR_GRPC_PORT: '3700',
      DAPR_METRICS_PORT: '9100',
      APP_PROTOCOL: 'http',
      LOG_LEVEL: 'info',
    });
  });

  it('when daprd’s environment is built, then it is the shell’s, with none of the run file’s env, and DAPR_HOST_IP only if the shell has none', () => {
    const app = load();
    const env = daprdEnv({ SHOP_REDIS_DB: '3', UNSET: undefined });
    expect(env).toEqual({ SHOP_REDIS_DB: '3', DAPR_HOST_IP: '127.0.0.1' });
    expect(Object.keys(env)).not.toEqual(expect.arrayContaining(Object.keys(app.env)));
    expect(daprdEnv({ DAPR_HOST_IP: '10.0.0.5' })).toEqual({ DAPR_HOST_IP: '10.0.0.5' });
  });

  it("when the placement and scheduler addresses are read, then unset means localhost, blank means none, and '' differs between the two", () => {
    expect([placementAddress(undefined), placementAddress(' '), placementAddress(''), placementAddress('host')]).toEqual([
      'localhost:50005',
      undefined,
      undefined,
      'host:50005',
    ]);
    expect([schedulerAddress(undefined), schedulerAddress(' '), schedulerAddress(''), schedulerAddress('host:1')]).toEqual([
      'localhost:50006',
      undefined,
      'localhost:50006',
      'host:1',
    ]);
  });

  it('when daprd’s flags are built, then they carry the run file’s settings with the CLI’s defaults, and the runner’s loopback pins', () => {
    const args = daprdArgs(load('  enableAppHealthCheck: true\n  appHealthCheckPath: /healthz\n'), ports, true);
    expect(args.join(' ')).toBe(
      [
        `--app-id web --app-port 3000 --dapr-http-port 3500 --dapr-grpc-port 3700 --metrics-port 9100 --dapr-internal-grpc-port 3800`,
        `--config ${path.join(root, 'dapr', 'config.yaml')} --app-protocol http --app-max-concurrency -1`,
        `--placement-host-address localhost:50005 --resources-path ${path.join(root, 'components', 'common')}`,
        `--max-body-size 4Mi --read-buffer-size 4Ki --enable-app-health-check --app-health-check-path /healthz`,
        `--scheduler-host-address localhost:50006 --dapr-internal-grpc-listen-address 127.0.0.1 --metrics-listen-address 127.0.0.1`,
      ].join(' '),
    );
  });

  it('when a setting the runner does not apply is set, then it refuses to start the sidecar rather than run it otherwise', () => {
    expect(() => daprdArgs(load('  enableProfiling: true\n'), ports, true)).toThrow(/enableProfiling/);
  });
});
