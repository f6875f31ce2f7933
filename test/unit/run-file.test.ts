import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

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
    const config = parse(fs.readFileSync(run.common.configFilePath, 'utf8')) as { spec: { nameResolution: { component: string } } };
    expect(config.spec.nameResolution.component).toBe('sqlite');
  });

  it('when a profile is chosen, then only the profile folder is swapped', () => {
    expect(() => loadRunFile('no-such-profile')).toThrow(/no-such-profile/);
  });
});
