import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

const services = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));

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

  it('when an app is started, then it gets an operations port (OPS_PORT) of its own, outside the ephemeral range', () => {
    for (const app of run.apps.filter((a) => a.command)) {
      const ops = Number(app.env?.OPS_PORT);
      // 32768-60999 here: any outgoing connection may hold such a port when the app starts.
      expect({ app: app.appID, ops, outsideEphemeral: ops < 32768 || ops > 60999 }).toEqual({
        app: app.appID,
        ops: expect.any(Number),
        outsideEphemeral: true,
      });
      expect(Number.isInteger(ops) && ops > 0).toBe(true);
    }
  });

  it('when its resources and config are resolved, then they exist and name resolution is SQLite, never mDNS', () => {
    for (const p of run.common.resourcesPaths) expect(fs.existsSync(p)).toBe(true);
    const config = parse(fs.readFileSync(run.common.configFilePath, 'utf8')) as { spec: { nameResolution: { component: string } } };
    expect(config.spec.nameResolution.component).toBe('sqlite');
  });

  it('when a profile is chosen, then only the profile folder is swapped', () => {
    expect(() => loadRunFile('no-such-profile')).toThrow(/no-such-profile/);
  });
});
