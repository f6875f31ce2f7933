// Probes for both containers of every Dapr-enabled pod, in both overlays: the app's own (startup and
// liveness on /healthz at the app port, readiness on /readyz at the operations port) and the sidecar's,
// which the Dapr injector adds and which only annotations tune. The injector ignores an annotation it does
// not know, silently: so every `dapr.io/` annotation must be one the pinned release's injector declares.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '@shop/testkit';
import { daprModuleDir } from './dapr-module';

type Probe = { httpGet?: { path: string; port: string }; periodSeconds?: number; failureThreshold?: number };
type Deployment = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<Record<string, Probe>> } } };
};

const SIDECAR_PROBE_ANNOTATIONS = ['liveness', 'readiness'].flatMap((probe) =>
  ['delay-seconds', 'timeout-seconds', 'period-seconds', 'threshold'].map((field) => `dapr.io/sidecar-${probe}-probe-${field}`),
);

// The injector's list (pkg/injector/annotations/annotations.go), and the ones its sidecar patcher reads
// into the container it injects (struct tags of pkg/injector/patcher/sidecar.go).
const dapr = daprModuleDir();
const declared = new Set(
  [
    ...fs
      .readFileSync(path.join(dapr, 'pkg', 'injector', 'annotations', 'annotations.go'), 'utf8')
      .matchAll(/^\s*Key\w+\s*=\s*"([^"]+)"/gm),
  ].map((m) => m[1]!),
);
const read = new Set(
  [...fs.readFileSync(path.join(dapr, 'pkg', 'injector', 'patcher', 'sidecar.go'), 'utf8').matchAll(/annotation:"([^"]+)"/g)].map(
    (m) => m[1]!,
  ),
);

const overlay = (name: string) =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', 'overlays', name)], { encoding: 'utf8' }))
    .map((d) => d.toJS() as Deployment)
    .filter((o) => o?.kind === 'Deployment' && o.spec.template.metadata.annotations?.['dapr.io/enabled'] === 'true');
const pods = Object.fromEntries(['local', 'production'].map((name) => [name, overlay(name)]));
// The ingress controller's pods come from a Helm chart; their annotations are in its values file.
const ingressAnnotations = (
  parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'ingress', 'ingress-nginx-values.yaml'), 'utf8')) as {
    controller: { podAnnotations: Record<string, string> };
  }
).controller.podAnnotations;

describe('the injector’s annotation list', () => {
  it('when read from the pinned Dapr module, then it holds the sidecar probe annotations, and the patcher reads them', () => {
    expect(declared.size).toBeGreaterThan(50);
    for (const a of SIDECAR_PROBE_ANNOTATIONS)
      expect({ a, declared: declared.has(a), read: read.has(a) }).toEqual({ a, declared: true, read: true });
  });
});

describe.each(Object.keys(pods))('the %s overlay', (name) => {
  const deployments = pods[name]!;

  it('when rendered, then every service has a Dapr-enabled Deployment', () => {
    const services = fs
      .readdirSync(path.join(repoRoot, 'services'))
      .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(services.sort());
  });

  it('when each Dapr-enabled Deployment is read, then its app has startup, liveness and readiness probes', () => {
    for (const d of deployments) {
      const app = d.spec.template.spec.containers[0]!;
      expect({
        deployment: d.metadata.name,
        probes: [app.startupProbe?.httpGet, app.livenessProbe?.httpGet, app.readinessProbe?.httpGet],
      }).toEqual({
        deployment: d.metadata.name,
        probes: [
          { path: '/healthz', port: 'http' },
          { path: '/healthz', port: 'http' },
          { path: '/readyz', port: 'ops' },
        ],
      });
    }
  });

  it('when each Dapr-enabled Deployment is read, then its sidecar probes are tuned, and liveness waits out the app’s start-up allowance', () => {
    for (const d of deployments) {
      const a = d.spec.template.metadata.annotations!;
      const values = SIDECAR_PROBE_ANNOTATIONS.map((k) => Number(a[k]));
      expect({ deployment: d.metadata.name, values: values.map((v) => Number.isInteger(v) && v > 0) }).toEqual({
        deployment: d.metadata.name,
        values: SIDECAR_PROBE_ANNOTATIONS.map(() => true),
      });
      for (const probe of ['liveness', 'readiness'])
        expect(Number(a[`dapr.io/sidecar-${probe}-probe-timeout-seconds`])).toBeLessThanOrEqual(
          Number(a[`dapr.io/sidecar-${probe}-probe-period-seconds`]),
        );
      const startup = d.spec.template.spec.containers[0]!.startupProbe!;
      expect(Number(a['dapr.io/sidecar-liveness-probe-delay-seconds'])).toBeGreaterThanOrEqual(
        startup.periodSeconds! * startup.failureThreshold!,
      );
    }
  });

  it('when every dapr.io annotation of a Dapr-enabled Deployment is read, then the injector declares it', () => {
    const unknown = deployments.flatMap((d) =>
      Object.keys(d.spec.template.metadata.annotations!)
        .filter((k) => k.startsWith('dapr.io/') && !declared.has(k))
        .map((k) => `${d.metadata.name}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the ingress controller’s pods', () => {
  it('when their annotations are read, then the sidecar probes are tuned as the services’ are, and every dapr.io annotation is declared', () => {
    const catalog = pods.local!.find((d) => d.metadata.name === 'catalog')!.spec.template.metadata.annotations!;
    for (const k of SIDECAR_PROBE_ANNOTATIONS) expect([k, ingressAnnotations[k]]).toEqual([k, catalog[k]]);
    expect(Object.keys(ingressAnnotations).filter((k) => k.startsWith('dapr.io/') && !declared.has(k))).toEqual([]);
  });
});
