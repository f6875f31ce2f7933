// Each service's workload in both overlays: the Dapr sidecar annotations, probes on /healthz (app port)
// and /readyz (operations port), requests and limits, a locked-down container (non-root, read-only root, no capabilities, a
// writable /tmp), and the Service, HPA and PDB that belong to it. Then what the overlays change (images,
// replicas, sampling) and how Prometheus finds the two metrics endpoints of every pod.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '@shop/testkit';

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

const services = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));
const overlay = (name: string) =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', 'overlays', name)], { encoding: 'utf8' })).map(
    (d) => d.toJS() as Obj,
  );
const overlays = { local: overlay('local'), production: overlay('production') };
const find = (objs: Obj[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === 'shop')!;

/** CPU in millicores, memory in bytes, from Kubernetes quantities. */
function quantity(q: string | number): number {
  const m = /^([\d.]+)(m|Ki|Mi|Gi)?$/.exec(String(q))!;
  const unit = { m: 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 }[m[2] as 'm'] ?? (m[2] ? 1 : 1000);
  return Number(m[1]) * unit;
}
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(Object.keys(overlays))('the %s overlay', (name) => {
  const objs = overlays[name as keyof typeof overlays];

  it.each(services)(
    'when the %s Deployment is read, then its sidecar is configured: config, JSON logs, app health check, resources',
    (svc) => {
      const a = find(objs, 'Deployment', svc).spec.template.metadata.annotations as Record<string, string>;
      expect(
        objs.some((o) => o.kind === 'Configuration' && o.metadata.name === a['dapr.io/config'] && o.metadata.namespace === 'shop'),
      ).toBe(true);
      expect([a['dapr.io/log-as-json'], a['dapr.io/enable-app-health-check'], a['dapr.io/app-health-check-path']]).toEqual([
        'true',
        'true',
        '/healthz',
      ]);
      expect(quantity(a['dapr.io/sidecar-cpu-request']!)).toBeLessThanOrEqual(quantity(a['dapr.io/sidecar-cpu-limit']!));
      expect(quantity(a['dapr.io/sidecar-memory-request']!)).toBeLessThanOrEqual(quantity(a['dapr.io/sidecar-memory-limit']!));
    },
  );

  it.each(services)(
    'when the %s pod is read, then app and sidecar each require the other’s token, and its sidecar token is its own',
    (svc) => {
      const d = find(objs, 'Deployment', svc);
      const a = d.spec.template.metadata.annotations as Record<string, string>;
      const env = d.spec.template.spec.containers[0].env as Array<{
        name: string;
        valueFrom?: { secretKeyRef: { name: string; key: string } };
      }>;
      const ref = (name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      expect(ref('DAPR_API_TOKEN')).toEqual({ name: a['dapr.io/api-token-secret'], key: 'token' });
      expect(ref('APP_API_TOKEN')).toEqual({ name: a['dapr.io/app-token-secret'], key: 'token' });
      expect(a['dapr.io/api-token-secret']).toBe(`${svc}-dapr-api-token`);
    },
  );

  it.each(services)('when the %s container is read, then it is probed, bounded and locked down, with only /tmp writable', (svc) => {
    const pod = find(objs, 'Deployment', svc).spec.template.spec;
    const c = pod.containers[0];
    expect([c.startupProbe.httpGet, c.livenessProbe.httpGet, c.readinessProbe.httpGet]).toEqual([
      { path: '/healthz', port: 'http' },
      { path: '/healthz', port: 'http' },
      { path: '/readyz', port: 'ops' },
    ]);
    for (const r of ['cpu', 'memory']) expect(quantity(c.resources.requests[r])).toBeLessThanOrEqual(quantity(c.resources.limits[r]));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name).emptyDir).toBeDefined();
    expect(c.volumeMounts).toHaveLength(1);
    // The app binds the pod address, so probes and Prometheus reach it (the image does so too).
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'APP_HOST', value: '0.0.0.0' }]));
  });

  it.each(services)('when the %s Service, ServiceAccount, HPA and PDB are read, then they belong to its Deployment', (svc) => {
    const d = find(objs, 'Deployment', svc);
    const labels = d.spec.template.metadata.labels as Record<string, string>;
    const service = find(objs, 'Service', svc);
    expect(matches(service.spec.selector, labels)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(find(objs, 'ServiceAccount', d.spec.template.spec.serviceAccountName)).toBeDefined();
    const hpa = find(objs, 'HorizontalPodAutoscaler', svc);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: svc });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    expect(matches(find(objs, 'PodDisruptionBudget', svc).spec.selector.matchLabels, labels)).toBe(true);
    // Replicas are the HPA's to set: a fixed count would fight it on every apply.
    expect(d.spec.replicas).toBeUndefined();
  });

  it('when the Dapr Configurations are read, then every one traces to the OpenTelemetry Collector and exports metrics', () => {
    const configs = objs.filter((o) => o.kind === 'Configuration');
    expect(configs.length).toBe(services.length + 1);
    for (const c of configs) {
      expect(c.spec.tracing.otel).toEqual({
        endpointAddress: 'otel-collector.monitoring.svc.cluster.local:4317',
        isSecure: false,
        protocol: 'grpc',
      });
      expect(c.spec.tracing.samplingRate).toBe(name === 'production' ? '0.1' : '1');
      expect(c.spec.metrics.enabled).toBe(true);
    }
  });
});

describe('what the overlays choose', () => {
  it('when images are read, then production pins a released tag from the registry and local uses the images built here', () => {
    for (const svc of services) {
      expect(find(overlays.production, 'Deployment', svc).spec.template.spec.containers[0].image).toMatch(
        new RegExp(`^[a-z0-9.-]+/[a-z0-9-]+/${svc}:\\d+\\.\\d+\\.\\d+$`),
      );
      expect(find(overlays.local, 'Deployment', svc).spec.template.spec.containers[0].image).toBe(`shop/${svc}:dev`);
    }
  });

  it('when replicas are read, then production keeps at least three of each service, spread over zones', () => {
    for (const svc of services) {
      expect(find(overlays.production, 'HorizontalPodAutoscaler', svc).spec.minReplicas).toBeGreaterThanOrEqual(3);
      const spread = find(overlays.production, 'Deployment', svc).spec.template.spec.topologySpreadConstraints as Array<{
        topologyKey: string;
      }>;
      expect(spread.map((s) => s.topologyKey)).toContain('topology.kubernetes.io/zone');
    }
  });
});

describe('how Prometheus finds each pod', () => {
  const prometheus = parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'monitoring', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; relabel_configs: Array<{ regex?: string; action?: string }> }>;
  };
  const keep = (job: string) =>
    prometheus.scrape_configs.find((j) => j.job_name === job)!.relabel_configs.find((r) => r.action === 'keep')!.regex;

  it('when the app job keeps targets, then by the container port name every Deployment gives its operations port, not its app port', () => {
    expect(keep('shop-apps')).toBe('shop;ops');
    for (const svc of services)
      expect(
        find(overlays.production, 'Deployment', svc).spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name),
      ).toEqual(['http', 'ops']);
  });

  it("when the sidecar job keeps targets, then by the port name Dapr's injector gives the sidecar's metrics port", () => {
    const version = /DAPR_VERSION:-([0-9.]+)/.exec(fs.readFileSync(path.join(repoRoot, 'scripts', 'setup-dapr.sh'), 'utf8'))![1];
    const dir = (
      JSON.parse(
        execFileSync('go', ['mod', 'download', '-json', `github.com/dapr/dapr@v${version}`], { encoding: 'utf8', cwd: repoRoot }),
      ) as { Dir: string }
    ).Dir;
    const consts = fs.readFileSync(path.join(dir, 'pkg', 'injector', 'consts', 'consts.go'), 'utf8');
    const portName = /SidecarMetricsPortName\s*=\s*"([^"]+)"/.exec(consts)![1];
    expect(keep('dapr-sidecars')).toBe(`shop;${portName}`);
  });
});
