// The Kubernetes manifests, offline: every overlay is rendered with `kubectl kustomize`, every object is
// validated against the Kubernetes OpenAPI schemas (kubernetes-models) or, for Dapr's kinds, against the
// CRD schemas of the pinned Dapr release; then the rules that tie the manifests to the code and to
// dapr/run.yaml: one Deployment per service with the run file's app id and port, every component a service
// uses present for the cluster with the same scopes, and no secret in plain text.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';
import { daprModuleDir } from './dapr-module';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [k: string]: any;
};

const OVERLAYS = ['local', 'production'];
const services = fs
  .readdirSync(path.join(repoRoot, 'services'))
  .filter((d) => fs.existsSync(path.join(repoRoot, 'services', d, 'package.json')));

function render(overlay: string): Obj[] {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error('kubectl is not installed (>= 1.27, for `kubectl kustomize`): install it, see scripts/ensure-tools.sh');
  }
  const out = execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Obj);
}

/**
 * The API server prunes fields a structural schema does not declare, silently: a misspelt `tracng:` would
 * be dropped. Here an undeclared field is an error instead, except where the schema keeps unknown fields.
 */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields'])
    out.additionalProperties = false;
  return out;
}

type ValidateFunction = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface AjvLike {
  compile(schema: object): ValidateFunction;
  addFormat(name: string, format: { type: 'number'; validate: (n: number) => boolean }): AjvLike;
}
// Ajv 8, the one the kit depends on (the root's `ajv` is ESLint's Ajv 6). Not strict: CRD schemas carry
// Kubernetes' own keywords (x-kubernetes-*), which are annotations here.
const Ajv = createRequire(path.join(repoRoot, 'packages', 'kit', 'package.json'))('ajv') as { default: new (o: object) => AjvLike };

function daprValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  const validators = new Map<string, ValidateFunction>();
  const dir = path.join(daprModuleDir(), 'charts', 'dapr', 'crds');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as {
        spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> };
      };
      if (!crd?.spec) continue;
      for (const v of crd.spec.versions)
        validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(closed(v.schema.openAPIV3Schema)));
    }
  }
  return validators;
}

/** Throws, naming the object and the failing fields, when it does not match its schema. */
function validator(): (o: Obj) => void {
  const dapr = daprValidators();
  return (o) => {
    const id = `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const check = dapr.get(`${o.apiVersion}/${o.kind}`);
    if (check) {
      if (!check(o)) throw new Error(`${id}: ${JSON.stringify(check.errors)}`);
      return;
    }
    // kubernetes-models is CommonJS, one module per API group and version.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = (require(`kubernetes-models/${o.apiVersion}`) as Record<string, new (o: object) => { validate(): void }>)[o.kind];
    if (!Model) throw new Error(`${id}: no schema for ${o.apiVersion} ${o.kind}`);
    try {
      new Model(o).validate();
    } catch (e) {
      throw new Error(`${id}: ${(e as Error).message}`);
    }
  };
}

const rendered = new Map(OVERLAYS.map((o) => [o, render(o)]));
const validate = validator();
const of = (objs: Obj[], kind: string, ns?: string) => objs.filter((o) => o.kind === kind && (!ns || o.metadata.namespace === ns));

describe('k8s manifests against their schemas', () => {
  it.each(OVERLAYS)('when the %s overlay is rendered, then every object is valid against the Kubernetes or Dapr CRD schema', (overlay) => {
    const objs = rendered.get(overlay)!;
    expect(objs.length).toBeGreaterThan(50);
    for (const o of objs) validate(o);
    process.stdout.write(`[k8s] ${overlay}: ${objs.length} objects validated\n`);
  });

  it('when an object breaks its schema or misspells a Dapr field, then validation fails (the checks are not vacuous)', () => {
    const deployment = structuredClone(of(rendered.get('local')!, 'Deployment')[0]!);
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validate(deployment)).toThrow(/containerPort/);
    const config = structuredClone(of(rendered.get('local')!, 'Configuration')[0]!);
    config.spec.tracng = config.spec.tracing;
    expect(() => validate(config)).toThrow(/tracng/);
    const component = structuredClone(of(rendered.get('local')!, 'Component')[0]!);
    delete component.spec.version;
    expect(() => validate(component)).toThrow(/version/);
  });
});

describe('k8s manifests against the code and dapr/run.yaml', () => {
  // The default profile (components/redis), whatever DAPR_PROFILE the suite runs under: the cluster uses Redis.
  const run = loadRunFile('');

  it.each(OVERLAYS)(
    'when the %s overlay is rendered, then each service has one Deployment with its run-file app id and port',
    (overlay) => {
      const deployments = of(rendered.get(overlay)!, 'Deployment', 'shop');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...services].sort());
      for (const name of services) {
        const app = run.apps.find((a) => a.appID === name)!;
        const d = deployments.find((x) => x.metadata.name === name)!;
        const a = d.spec.template.metadata.annotations as Record<string, string>;
        expect([a['dapr.io/enabled'], a['dapr.io/app-id'], a['dapr.io/app-port']]).toEqual(['true', app.appID, String(app.appPort)]);
        const container = d.spec.template.spec.containers[0];
        // The operations listener (/readyz, /metrics) on the run file's OPS_PORT, beside the app port.
        expect(container.ports).toEqual([
          { name: 'http', containerPort: app.appPort },
          { name: 'ops', containerPort: Number(app.env?.OPS_PORT) },
        ]);
        expect(container.env).toEqual(
          expect.arrayContaining([
            { name: 'APP_PORT', value: String(app.appPort) },
            { name: 'OPS_PORT', value: app.env?.OPS_PORT },
          ]),
        );
        // What the run file gives this app (migrations on start) it gets in the cluster too.
        for (const [k, v] of Object.entries(app.env ?? {}).filter(([k]) => k.endsWith('_MIGRATE_ON_START')))
          expect(container.env).toEqual(expect.arrayContaining([{ name: k, value: v }]));
      }
    },
  );

  it.each(OVERLAYS)(
    'when the %s overlay is rendered, then every component a service uses locally exists for it, same name, type and scopes',
    (overlay) => {
      const cluster = of(rendered.get(overlay)!, 'Component');
      const local = run.common.resourcesPaths.flatMap((dir) =>
        fs
          .readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Obj)
          .filter((o) => o?.kind === 'Component'),
      );
      expect(local.length).toBeGreaterThan(5);
      for (const c of local) {
        const theirs = cluster.filter(
          (k) => k.metadata.name === c.metadata.name && (k.scopes as string[]).some((s) => (c.scopes as string[]).includes(s)),
        );
        expect({ name: c.metadata.name, found: theirs.length }).toEqual({ name: c.metadata.name, found: 1 });
        const k = theirs[0]!;
        expect([...(k.scopes as string[])].sort()).toEqual([...(c.scopes as string[])].sort());
        // The secret store's kind differs by design (a file locally, Kubernetes Secrets in the cluster).
        if (!c.spec.type.startsWith('secretstores.')) expect(k.spec.type).toBe(c.spec.type);
        else expect(k.spec.type).toBe('secretstores.kubernetes');
      }
    },
  );

  it('when the services read their component names from config, then each named component exists for them in the cluster', () => {
    const cluster = of(rendered.get('production')!, 'Component', 'shop');
    for (const name of services) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { settings } = require(path.join(repoRoot, 'services', name, 'src', 'config.ts')) as {
        settings: Record<string, { env: string; fallback?: unknown }>;
      };
      const used = Object.values(settings)
        .filter((s) => /(_STORE|_BINDING)$/.test(s.env) && typeof s.fallback === 'string')
        .map((s) => s.fallback as string);
      expect(used.length).toBeGreaterThan(0);
      for (const component of used) {
        const found = cluster.find((c) => c.metadata.name === component);
        expect({ service: name, component, scoped: (found?.scopes as string[] | undefined)?.includes(name) }).toEqual({
          service: name,
          component,
          scoped: true,
        });
      }
    }
  });

  it.each(OVERLAYS)('when the %s overlay is rendered, then no secret is written in it: only references to Secrets', (overlay) => {
    const objs = rendered.get(overlay)!;
    expect(of(objs, 'Secret')).toEqual([]);
    const secretish = /pass(word)?|secret|token|key$/i;
    for (const c of of(objs, 'Component')) {
      for (const m of c.spec.metadata as Array<{ name: string; value?: unknown; secretKeyRef?: unknown }>) {
        if (secretish.test(m.name))
          expect({ component: c.metadata.name, item: m.name, value: m.value, ref: Boolean(m.secretKeyRef) }).toEqual({
            component: c.metadata.name,
            item: m.name,
            value: undefined,
            ref: true,
          });
      }
    }
    for (const d of of(objs, 'Deployment')) {
      for (const e of d.spec.template.spec.containers.flatMap((c: any) => c.env ?? []) as Array<{
        name: string;
        value?: string;
        valueFrom?: any;
      }>) {
        if (secretish.test(e.name))
          expect({ env: e.name, value: e.value, ref: Boolean(e.valueFrom?.secretKeyRef) }).toEqual({
            env: e.name,
            value: undefined,
            ref: true,
          });
      }
    }
  });

  it('when a service reads a secret, then its Role lets its service account get exactly those Secrets', () => {
    const objs = rendered.get('production')!;
    for (const name of services) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { settings } = require(path.join(repoRoot, 'services', name, 'src', 'config.ts')) as {
        settings: Record<string, { env: string; fallback?: unknown }>;
      };
      const secrets = Object.entries(settings)
        .filter(([key]) => key.endsWith('Secret'))
        .map(([, s]) => s.fallback as string);
      const role = of(objs, 'Role', 'shop').find((r) => r.metadata.name === `${name}-secrets`)!;
      expect([...role.rules[0].resourceNames].sort()).toEqual([...secrets].sort());
      expect(role.rules[0].verbs).toEqual(['get']);
      const binding = of(objs, 'RoleBinding', 'shop').find((b) => b.roleRef.name === role.metadata.name)!;
      const deployment = of(objs, 'Deployment', 'shop').find((d) => d.metadata.name === name)!;
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace: 'shop' },
      ]);
    }
  });
});
