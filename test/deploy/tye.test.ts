// tye.yaml against dapr/run.yaml, the reference: the same services started the same way on the same
// ports, the same Dapr resources and configuration, as Tye's Dapr extension will resolve them.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

interface TyeService {
  name: string;
  executable?: string;
  args?: string;
  workingDirectory?: string;
  env?: Array<{ name: string; value: string }>;
  bindings?: Array<{ port: number; protocol?: string }>;
}
interface DaprExtension {
  name: string;
  'components-path': string;
  config: string;
  'log-level': string;
  services: Record<string, { 'http-port': number; 'grpc-port': number; 'metrics-port': number }>;
}

const tye = parse(fs.readFileSync(path.join(repoRoot, 'tye.yaml'), 'utf8')) as { extensions: DaprExtension[]; services: TyeService[] };
// The default profile (components/redis), whatever DAPR_PROFILE the suite runs under.
const run = loadRunFile('');
const apps = run.apps.filter((a) => a.command?.length);

describe('tye.yaml', () => {
  it('when compared with dapr/run.yaml, then it lists exactly the same services, each with its app port as its http binding', () => {
    expect(tye.services.map((s) => s.name).sort()).toEqual(apps.map((a) => a.appID).sort());
    for (const app of apps) {
      const s = tye.services.find((x) => x.name === app.appID)!;
      expect(s.bindings).toEqual([{ port: app.appPort, protocol: 'http' }]);
      expect(s.env).toEqual(expect.arrayContaining([{ name: 'APP_PORT', value: String(app.appPort) }]));
    }
  });

  it('when a service is started, then it is the built entry point of dapr/run.yaml, from the repository root, with its run-file environment', () => {
    for (const app of apps) {
      const s = tye.services.find((x) => x.name === app.appID)!;
      expect([s.executable, ...(s.args ?? '').split(/\s+/)]).toEqual(app.command);
      expect(path.resolve(repoRoot, s.workingDirectory ?? '.')).toBe(app.appDirPath);
      for (const [name, value] of Object.entries(app.env ?? {})) expect(s.env).toEqual(expect.arrayContaining([{ name, value }]));
    }
  });

  it("when the Dapr extension is read, then each sidecar gets the run file's ports and the same resources and configuration", () => {
    const dapr = tye.extensions.find((e) => e.name === 'dapr')!;
    for (const app of apps) {
      expect(dapr.services[app.appID]).toEqual({
        'http-port': app.daprHTTPPort,
        'grpc-port': app.daprGRPCPort,
        'metrics-port': app.metricsPort,
      });
    }
    // Tye's extension looks the config up as <components-path>/<config>.yaml.
    const configFile = path.resolve(repoRoot, dapr['components-path'], `${dapr.config}.yaml`);
    expect(configFile).toBe(run.common.configFilePath);
    // Its one components folder plus the one added with --resources-path: the run file's resources.
    const folders = [dapr['components-path'], ...[...dapr['log-level'].matchAll(/--resources-path\s+(\S+)/g)].map((m) => m[1]!)];
    expect(folders.map((f) => path.resolve(repoRoot, f)).sort()).toEqual([...run.common.resourcesPaths].sort());
  });
});
