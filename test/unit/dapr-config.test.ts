// The local sidecars' Configurations (dapr/config/<app>.yaml) against the common one and the cluster's:
// each is dapr/config.yaml plus an access-control policy, and that policy is the cluster's
// (k8s/base/dapr/configurations.yaml) but for the namespace, so what the tests prove locally is what
// Kubernetes enforces.
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

type Config = { metadata: { name: string }; spec: Record<string, any> };
const read = (file: string) => parse(fs.readFileSync(file, 'utf8')) as Config;
const common = read(path.join(repoRoot, 'dapr', 'config.yaml'));
const cluster = parseAllDocuments(fs.readFileSync(path.join(repoRoot, 'k8s', 'base', 'dapr', 'configurations.yaml'), 'utf8')).map(
  (d) => d.toJS() as Config,
);
const run = loadRunFile();
const services = run.apps.filter((a) => a.command);

describe('the local Dapr Configurations', () => {
  it('when the run file is read, then every service has its own Configuration and the ingress the ingress one', () => {
    for (const app of services) expect(app.configFilePath).toBe(path.join(repoRoot, 'dapr', 'config', `${app.appID}.yaml`));
    expect(run.apps.find((a) => a.appID === 'ingress')!.configFilePath).toBe(path.join(repoRoot, 'dapr', 'ingress.yaml'));
  });

  it.each(services.map((a) => a.appID))(
    'when %s’s is compared with the common one, then only the name, secrets and access control differ',
    (app) => {
      const own = read(path.join(repoRoot, 'dapr', 'config', `${app}.yaml`));
      const { accessControl, secrets, ...rest } = own.spec;
      expect(secrets.scopes).toHaveLength(1);
      expect(secrets.scopes[0]).toMatchObject({ storeName: 'secretstore', defaultAccess: 'deny' });
      expect(own.metadata.name).toBe(app);
      expect(rest).toEqual(common.spec);
      expect(accessControl).toMatchObject({ defaultAction: 'deny', trustDomain: 'public' });
    },
  );

  it.each(services.map((a) => a.appID))(
    'when %s’s policies are compared with the cluster’s, then they are the same but for the namespace',
    (app) => {
      const local = read(path.join(repoRoot, 'dapr', 'config', `${app}.yaml`)).spec.accessControl;
      const theirs = cluster.find((c) => c.metadata.name === app)!.spec.accessControl;
      // Namespaces differ (shop and ingress-nginx in the cluster; one namespace, default, locally).
      const caller = (p: Record<string, unknown>) => ({ ...p, namespace: undefined });
      expect(local.policies.map(caller)).toEqual(theirs.policies.map(caller));
      for (const p of local.policies) expect(p.namespace).toBe('default');
    },
  );

  it.each(services.map((a) => a.appID))(
    'when %s’s readable secrets are compared with its Role in the cluster, then they are the same',
    (app) => {
      const allowed = read(path.join(repoRoot, 'dapr', 'config', `${app}.yaml`)).spec.secrets.scopes[0].allowedSecrets as string[];
      const role = parseAllDocuments(fs.readFileSync(path.join(repoRoot, 'k8s', 'base', 'services', `${app}.yaml`), 'utf8'))
        .map((d) => d.toJS() as Config & { kind: string; rules: Array<{ resourceNames: string[] }> })
        .find((o) => o.kind === 'Role' && o.metadata.name === `${app}-secrets`)!;
      expect([...allowed].sort()).toEqual([...role.rules[0]!.resourceNames].sort());
    },
  );

  it('when the ingress Configuration is read, then nobody may invoke it, its guard is in its pipeline, and it resolves names as the apps do', () => {
    const ingress = read(path.join(repoRoot, 'dapr', 'ingress.yaml'));
    // A resolver judges other sidecars' entries by its own updateInterval: a shorter one loses them.
    expect(ingress.spec.nameResolution).toEqual(common.spec.nameResolution);
    expect(ingress.spec.accessControl).toEqual({ defaultAction: 'deny', trustDomain: 'public' });
    expect(ingress.spec.httpPipeline.handlers).toEqual([{ name: 'ingress-guard', type: 'middleware.http.opa' }]);
  });
});
