// The client address the gateway counts by (rate limits, the users service's sign-in throttle), as the
// cluster hands it over: ingress-nginx sets X-Forwarded-For from the TCP peer and drops what a client may
// not send (Dapr's headers, forwarding headers it does not set itself, a Basic credential), its Dapr
// sidecar appends its own pod address, and the gateway counts exactly that one proxy in front of the
// ingress sidecar. The rules themselves: services/gateway/test/unit/client-address.test.ts.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '@shop/testkit';

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

const values = parse(fs.readFileSync(path.join(repoRoot, 'k8s', 'ingress', 'ingress-nginx-values.yaml'), 'utf8')) as {
  controller: { config: Record<string, string>; proxySetHeaders: Record<string, string>; service: Record<string, string> };
};
const overlays = ['local', 'production'].map((name) => ({
  name,
  objs: parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s', 'overlays', name)], { encoding: 'utf8' })).map(
    (d) => d.toJS() as Obj,
  ),
}));

describe('the client address through the public entry', () => {
  it('when a client writes X-Forwarded-For, then NGINX replaces it with the peer it saw, which the load balancer keeps', () => {
    // With these off (the chart's defaults, pinned), the template sets `X-Forwarded-For $remote_addr`.
    expect(values.controller.config).toMatchObject({
      'use-forwarded-headers': 'false',
      'compute-full-forwarded-for': 'false',
      'enable-real-ip': 'false',
      'use-proxy-protocol': 'false',
    });
    expect(values.controller.service.externalTrafficPolicy).toBe('Local');
  });

  it('when a client sends Dapr headers or forwarding headers NGINX does not set, then NGINX drops them', () => {
    const headers = values.controller.proxySetHeaders;
    // At least every Dapr header the ingress sidecar's own guard refuses (components/common/ingress-guard.yaml).
    const guard = parse(fs.readFileSync(path.join(repoRoot, 'components', 'common', 'ingress-guard.yaml'), 'utf8')) as Obj;
    const included = (guard.spec.metadata as Array<{ name: string; value: string }>).find((m) => m.name === 'includedHeaders')!.value;
    const daprHeaders = included
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.startsWith('dapr-'));
    expect(daprHeaders).toEqual(expect.arrayContaining(['dapr-app-id', 'dapr-api-token']));
    for (const h of [...daprHeaders, 'forwarded', 'x-forwarded-prefix']) {
      const set = Object.entries(headers).find(([k]) => k.toLowerCase() === h);
      expect({ header: h, value: set?.[1] }).toEqual({ header: h, value: '' });
    }
  });

  it('when a client sends Authorization, then a Bearer token passes and a Basic credential (a dapr-app-id in disguise) is dropped', () => {
    const variable = /^\$(\w+)$/.exec(values.controller.proxySetHeaders.Authorization ?? '')?.[1];
    expect(variable).toBeDefined();
    const map = new RegExp(`map \\$http_authorization \\$${variable} \\{([^}]*)\\}`).exec(values.controller.config['http-snippet'] ?? '');
    expect(map).not.toBeNull();
    const entries = map![1]!
      .split(';')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(entries).toContain('default $http_authorization');
    const basic = entries.find((e) => /basic/i.test(e))!;
    const [, pattern, value] = /^"~\*(.+)" (.*)$/.exec(basic)!;
    expect(value).toBe('""');
    // nginx's `~*` is a case-insensitive PCRE; this one reads the same in JavaScript.
    const re = new RegExp(pattern!, 'i');
    expect(['Basic ZGFwci1hcHAtaWQ6dXNlcnMuc2hvcA==', 'basic x', '  BASIC x'].every((a) => re.test(a))).toBe(true);
    expect(['Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln', 'Bearerbasic x'].some((a) => re.test(a))).toBe(false);
  });

  it.each(overlays)(
    'when the gateway is rendered ($name), then it counts one proxy in front of the ingress sidecar, none in front of its port, and checks the app token',
    ({ objs }) => {
      const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway' && o.metadata.namespace === 'shop')!;
      const env = d.spec.template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;
      const byName = Object.fromEntries(env.map((e) => [e.name, e]));
      expect([byName.INGRESS_PROXY_HOPS?.value, byName.DIRECT_PROXY_HOPS?.value, byName.TRUST_PROXY]).toEqual(['1', '0', undefined]);
      // The token that tells a call through Dapr from a direct one is the one the sidecar presents.
      expect(byName.APP_API_TOKEN?.valueFrom.secretKeyRef.name).toBe(d.spec.template.metadata.annotations['dapr.io/app-token-secret']);
    },
  );
});
