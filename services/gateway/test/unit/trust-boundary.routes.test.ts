import { APP_TOKEN, json, newClient, startGateway, type Harness } from '../fixtures/harness';

// The gateway's public port as a client (or the gateway's own sidecar) meets it: which address the rate
// limits and the users service's sign-in throttle count by, the app token, and what the port does not serve.

type Json = Record<string, any>;

const signIn = (gw: Harness, init: Parameters<Harness['request']>[1]) =>
  gw.request('/api/v1/auth/login', { ...json({ email: 'ann@example.com', password: 'pw' }), ...init });
const sentClientId = (gw: Harness) => gw.upstream.callsTo('users', '/sessions').at(-1)?.headers?.['x-client-id'];

function answerSignIns(gw: Harness): void {
  gw.upstream
    .on('users', 'POST', '/sessions', () => ({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 900 }))
    .on('catalog', 'GET', '/categories', () => ({ items: [] }));
}

describe('locally: through the ingress sidecar, nothing in front of it (INGRESS_PROXY_HOPS=0)', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ DIRECT_PROXY_HOPS: '0', RATE_LIMIT_AUTH: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    answerSignIns(gw);
  });
  afterAll(() => gw.close());

  it('when a client rotates the X-Forwarded-For entries it writes, then users is told the ingress sidecar host each time, one bucket', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await signIn(gw, { client: `${newClient()}, 127.0.0.9`, appToken: APP_TOKEN })).status);
      if (i === 0) expect(sentClientId(gw)).toBe('127.0.0.9');
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when a call carries a wrong app token, then 401 problem+json, nothing is counted and no upstream is called', async () => {
    const before = gw.upstream.calls.length;
    for (const appToken of ['wrong', `${APP_TOKEN}x`]) {
      const res = await signIn(gw, { appToken });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as Json).type).toMatch(/\/app-token-invalid$/);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
    expect(gw.upstream.calls.length).toBe(before);
  });

  it('when a call comes directly without a token and writes X-Forwarded-For, then its socket address counts, never its words', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await gw.request('/api/v1/categories', { client: newClient() })).status);
    expect(statuses).toEqual([200, 200, 200]);
    await signIn(gw, { client: '203.0.113.50' });
    expect(sentClientId(gw)).toBe('127.0.0.1');
  });
});

describe('in Kubernetes: ingress-nginx in front of the ingress sidecar (INGRESS_PROXY_HOPS=1)', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway({ INGRESS_PROXY_HOPS: '1', DIRECT_PROXY_HOPS: '0', RATE_LIMIT_AUTH: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    answerSignIns(gw);
  });
  afterAll(() => gw.close());

  it('when clients sign up through NGINX and the ingress pod, then each counts on its own, and users learns each address', async () => {
    const ingressPod = '10.244.1.7';
    for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      expect((await signIn(gw, { client: `${client}, ${ingressPod}`, appToken: APP_TOKEN })).status).toBe(200);
      expect(sentClientId(gw)).toBe(client);
    }
  });

  it('when a client slips its own entries in front, then they are ignored: the NGINX entry counts', async () => {
    const client = '203.0.113.77';
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await signIn(gw, { client: `${newClient()}, ${client}, 10.244.1.7`, appToken: APP_TOKEN })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(sentClientId(gw)).toBe(client);
  });

  it('when a call bypasses the ingress on the gateway port without a token, then the ingress rule does not apply to it', async () => {
    await signIn(gw, { client: '203.0.113.99, 10.244.1.7' });
    expect(sentClientId(gw)).toBe('127.0.0.1');
  });
});

describe('operational endpoints', () => {
  let gw: Harness;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it.each(['/metrics', '/readyz'])('when %s is asked on the public port, then 404 problem+json (with the edge headers)', async (path) => {
    for (const appToken of [undefined, APP_TOKEN]) {
      const res = await gw.request(path, appToken ? { appToken } : {});
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).not.toMatch(/process_cpu|nodejs_|checks/);
    }
  });

  it('when the operations port is asked, then it serves /readyz and the Prometheus /metrics; /healthz stays on both', async () => {
    const ready = await fetch(`${gw.opsUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: [] }]);
    const metrics = await fetch(`${gw.opsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/http_server_request_duration_seconds_count\{[^}]*service="gateway"/);
    expect(await (await gw.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${gw.opsUrl}/healthz`)).status).toBe(200);
  });
});
