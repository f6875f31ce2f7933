// Who may talk to whom in the cluster, checked three ways that must agree: the Dapr access-control
// policies (who may invoke whom, by mTLS identity), the NetworkPolicies (who may open a connection), and
// the public entry (NGINX ingress → its sidecar → the gateway only). Plus the Dapr control plane's Helm
// values (mTLS on; every key one the pinned chart defines) and topic ownership on the pub/sub component.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadRunFile, repoRoot } from '@shop/testkit';

type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: any };

/** The design's invocation graph (DESIGN.md §2, issue 6): callee → callers. */
const MAY_INVOKE: Record<string, string[]> = {
  gateway: ['ingress'],
  users: ['gateway'],
  catalog: ['cart', 'gateway'],
  cart: ['gateway', 'orders'],
  orders: ['gateway'],
  payments: ['gateway', 'orders'],
};
const INTERNAL_GRPC = 50002;

const objs = parseAllDocuments(
  execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', 'overlays', 'production')], { encoding: 'utf8' }),
).map((d) => d.toJS() as Obj);
const of = (kind: string, ns?: string) => objs.filter((o) => o.kind === kind && (!ns || o.metadata.namespace === ns));
const deployment = (app: string) => of('Deployment', 'shop').find((d) => d.spec.template.metadata.annotations['dapr.io/app-id'] === app)!;

/** App ids a label selector picks among the Dapr apps (by the injector's dapr.io/app-id label). */
function appIds(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values: string[] }>;
}): string[] {
  const ids = [...Object.keys(MAY_INVOKE), 'ingress'];
  return ids
    .filter((id) => {
      const labels: Record<string, string> = {
        'dapr.io/app-id': id,
        ...(id === 'ingress' ? {} : { 'app.kubernetes.io/name': id, 'app.kubernetes.io/part-of': 'shop' }),
      };
      const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
      const byExpr = (selector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''));
      return byLabels && byExpr;
    })
    .sort();
}

describe('service invocation: access control, network and ingress agree with the design', () => {
  it("when each callee's Dapr Configuration is read, then by default it denies, and it allows exactly the callers of the design", () => {
    for (const [callee, callers] of Object.entries(MAY_INVOKE)) {
      const configName = deployment(callee).spec.template.metadata.annotations['dapr.io/config'];
      const config = of('Configuration', 'shop').find((c) => c.metadata.name === configName)!;
      expect(config.spec.accessControl.defaultAction).toBe('deny');
      const allowed = (
        config.spec.accessControl.policies as Array<{ appId: string; defaultAction: string; operations?: Array<{ action: string }> }>
      )
        .filter((p) => p.defaultAction === 'allow' || p.operations?.some((o) => o.action === 'allow'))
        .map((p) => p.appId)
        .sort();
      expect({ callee, allowed }).toEqual({ callee, allowed: callers });
    }
  });

  it('when a non-gateway caller is allowed, then only the operations it uses (and nothing else it could reach)', () => {
    const ops = (callee: string, caller: string) => {
      const config = of('Configuration', 'shop').find((c) => c.metadata.name === callee)!;
      const p = config.spec.accessControl.policies.find((x: { appId: string }) => x.appId === caller);
      return { defaultAction: p.defaultAction, operations: p.operations };
    };
    expect(ops('catalog', 'cart')).toEqual({
      defaultAction: 'deny',
      operations: [
        { name: '/products', httpVerb: ['GET'], action: 'allow' },
        { name: '/products/*', httpVerb: ['GET'], action: 'allow' },
      ],
    });
    expect(ops('cart', 'orders')).toEqual({
      defaultAction: 'deny',
      operations: [{ name: '/cart', httpVerb: ['GET', 'DELETE'], action: 'allow' }],
    });
    expect(ops('payments', 'orders')).toEqual({
      defaultAction: 'deny',
      operations: [{ name: '/payment-methods/*', httpVerb: ['GET'], action: 'allow' }],
    });
  });

  it('when the NetworkPolicies are read, then all traffic starts denied and sidecar-to-sidecar connections follow the same graph both ways', () => {
    const policies = of('NetworkPolicy', 'shop');
    expect(
      policies.filter(
        (p) =>
          JSON.stringify(p.spec.podSelector) === '{}' &&
          p.spec.policyTypes.includes('Ingress') &&
          p.spec.policyTypes.includes('Egress') &&
          !p.spec.ingress &&
          !p.spec.egress,
      ),
    ).toHaveLength(1);
    const onPort = (rule: { ports?: Array<{ port: number | string }> }) => (rule.ports ?? []).some((p) => p.port === INTERNAL_GRPC);
    for (const [callee, callers] of Object.entries(MAY_INVOKE)) {
      const inbound = policies
        .filter((p) => appIds(p.spec.podSelector).includes(callee) && p.spec.ingress)
        .flatMap((p) =>
          (p.spec.ingress as Array<{ from: Array<{ podSelector: object }>; ports?: Array<{ port: number | string }> }>)
            .filter(onPort)
            .flatMap((r) => r.from.flatMap((f) => appIds(f.podSelector))),
        );
      expect({ callee, from: [...new Set(inbound)].sort() }).toEqual({ callee, from: callers });
    }
    const calls = Object.entries(MAY_INVOKE).flatMap(([callee, callers]) => callers.map((c) => [c, callee] as const));
    for (const caller of ['gateway', 'orders', 'cart', 'users', 'catalog', 'payments']) {
      const outbound = policies
        .filter((p) => appIds(p.spec.podSelector).includes(caller) && p.spec.egress)
        .flatMap((p) =>
          (p.spec.egress as Array<{ to: Array<{ podSelector?: object }>; ports?: Array<{ port: number | string }> }>)
            .filter(onPort)
            .flatMap((r) => r.to.flatMap((t) => (t.podSelector ? appIds(t.podSelector) : []))),
        );
      const expected = calls
        .filter(([c]) => c === caller)
        .map(([, callee]) => callee)
        .sort();
      expect({ caller, to: [...new Set(outbound)].sort() }).toEqual({ caller, to: expected });
    }
  });

  it('when anything else may connect to a shop pod, then it is Prometheus, on the metrics ports only (never the app port)', () => {
    for (const p of of('NetworkPolicy', 'shop').filter((x) => x.spec.ingress)) {
      for (const rule of p.spec.ingress as Array<{
        from: Array<{ namespaceSelector?: { matchLabels: Record<string, string> } }>;
        ports: Array<{ port: number | string }>;
      }>) {
        if (rule.ports.every((x) => x.port === INTERNAL_GRPC)) continue;
        expect(rule.from.map((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'])).toEqual(['monitoring']);
        expect(rule.ports.map((x) => x.port).sort()).toEqual([9090, 'ops']);
      }
    }
  });

  it('when a public request arrives, then NGINX hands it to its own sidecar, which may only invoke the gateway', () => {
    const ingress = of('Ingress')[0]!;
    const ns = ingress.metadata.namespace!;
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'ingress-dapr', port: { number: 80 } });
    const target = ingress.metadata.annotations!['nginx.ingress.kubernetes.io/rewrite-target']!;
    expect(target).toBe('/v1.0/invoke/gateway.shop/method/api/v1/$1');
    const values = parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'ingress', 'ingress-nginx-values.yaml'), 'utf8')) as {
      controller: { podAnnotations: Record<string, string> };
    };
    const a = values.controller.podAnnotations;
    expect([a['dapr.io/enabled'], a['dapr.io/app-id'], a['dapr.io/sidecar-listen-addresses']]).toEqual(['true', 'ingress', '0.0.0.0']);
    const config = of('Configuration', ns).find((c) => c.metadata.name === a['dapr.io/config'])!;
    expect(config.spec.api.allowed.map((x: { name: string; protocol: string }) => `${x.protocol}:${x.name}`).sort()).toEqual([
      'grpc:unlock',
      'http:healthz',
      'http:invoke',
    ]);
    expect(config.spec.accessControl).toEqual({ defaultAction: 'deny', trustDomain: 'public' });
    const guard = of('Component', ns).find((c) => c.metadata.name === config.spec.httpPipeline.handlers[0].name)!;
    expect([guard.spec.type, guard.scopes]).toEqual(['middleware.http.opa', ['ingress']]);
    // The policy the hostile-client suite (test/e2e/hostile.test.ts) proves against a real ingress
    // sidecar, the cluster's app id (gateway.shop) in place of the local one (gateway).
    const local = parse(fs.readFileSync(path.join(repoRoot, 'components', 'common', 'ingress-guard.yaml'), 'utf8')) as Obj;
    const meta = (c: Obj) => Object.fromEntries((c.spec.metadata as Array<{ name: string; value: string }>).map((m) => [m.name, m.value]));
    const [mine, theirs] = [meta(guard), meta(local)];
    expect({ ...mine, rego: mine.rego!.replaceAll('gateway.shop', 'gateway') }).toEqual(theirs);
    expect(mine.rego).toContain('parts[2] == "gateway.shop"');
    expect(target.startsWith('/v1.0/invoke/gateway.shop/method/api/v1/')).toBe(true);
  });
});

describe('the Dapr control plane and pub/sub', () => {
  const chart = path.join(
    (
      JSON.parse(
        execFileSync(
          'go',
          [
            'mod',
            'download',
            '-json',
            `github.com/dapr/dapr@v${/DAPR_VERSION:-([0-9.]+)/.exec(fs.readFileSync(path.join(repoRoot, 'scripts', 'setup-dapr.sh'), 'utf8'))![1]}`,
          ],
          { encoding: 'utf8', cwd: repoRoot },
        ),
      ) as { Dir: string }
    ).Dir,
    'charts',
    'dapr',
  );

  it('when the Helm values are compared with the pinned chart, then every key exists there, and mTLS and sidecar hardening are on', () => {
    const values = parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'dapr-system', 'dapr-values.yaml'), 'utf8')) as Record<string, any>;
    const defaults: Record<string, any> = { ...(parse(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8')) as object) };
    for (const sub of fs.readdirSync(path.join(chart, 'charts')))
      defaults[sub] = parse(fs.readFileSync(path.join(chart, 'charts', sub, 'values.yaml'), 'utf8'));
    const unknown: string[] = [];
    const walk = (mine: Record<string, any>, theirs: Record<string, any> | undefined, at: string) => {
      for (const [k, v] of Object.entries(mine)) {
        if (!theirs || !(k in theirs)) unknown.push(`${at}${k}`);
        else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, theirs[k], `${at}${k}.`);
      }
    };
    walk(values, defaults, '');
    expect(unknown).toEqual([]);
    expect(values.global.mtls.enabled).toBe(true);
    expect(values.dapr_sidecar_injector).toMatchObject({
      sidecarRunAsNonRoot: true,
      sidecarReadOnlyRootFilesystem: true,
      sidecarDropALLCapabilities: true,
    });
  });

  it('when topic ownership is compared with the local pub/sub component, then the cluster has the same, in namespace shop', () => {
    const local = parse(
      fs.readFileSync(
        path.join(
          loadRunFile('').common.resourcesPaths.find((p) => p.endsWith(path.join('components', 'redis')))!,
          'pubsub.yaml',
        ),
        'utf8',
      ),
    ) as Obj;
    const cluster = of('Component', 'shop').find((c) => c.metadata.name === 'pubsub')!;
    const item = (c: Obj, name: string) => (c.spec.metadata as Array<{ name: string; value: string }>).find((m) => m.name === name)?.value;
    for (const name of ['publishingScopes', 'subscriptionScopes', 'protectedTopics']) {
      // The outbox's internal topic is prefixed with the namespace: "default" locally, "shop" here.
      const expected = item(local, name)?.replace(/\bdefault(?=orders)/g, 'shop');
      if (expected !== undefined) expect({ name, value: item(cluster, name) }).toEqual({ name, value: expected });
      else expect(item(cluster, name)).toBeDefined();
    }
  });
});
