// Which client a request counts for, with the real thing in between: the app-less ingress sidecar of
// dapr/run.yaml invoking the gateway through the gateway's own sidecar, rate-limit counters in Redis. The
// gateway runs as in Kubernetes (INGRESS_PROXY_HOPS=1): the test stands as ingress-nginx, writing the
// client's address into X-Forwarded-For before the ingress sidecar, which must append exactly one entry
// (its own) and never a client's. The gateway's own port, without the app token, counts the socket peer.
import { randomBytes } from 'node:crypto';
import { Stack } from '@shop/testkit';

const AUTH_LIMIT = 3;
const WINDOW_SECONDS = 3600;

/** An address unique to this run: the Redis is shared with every other run and test. */
const newClient = () => `198.51.${randomBytes(1)[0]}.${randomBytes(1)[0]}-${randomBytes(4).toString('hex')}`;

describe('the client address through the ingress sidecar and on the gateway port', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      apps: [
        {
          appId: 'gateway',
          env: {
            INGRESS_PROXY_HOPS: '1',
            DIRECT_PROXY_HOPS: '0',
            RATE_LIMIT_AUTH: String(AUTH_LIMIT),
            RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
            // One write per request: the stored count is exactly the requests counted.
            RATE_LIMIT_LEASE_MAX: '1',
          },
        },
        { appId: 'ingress' },
      ],
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A sign-in with an empty body: counted (auth class) by the guard, then 400 before any upstream. */
  const viaIngress = (forwardedFor: string) =>
    fetch(stack.invokeUrl('ingress', 'gateway', 'api/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: '{}',
    }).then((r) => r.status);
  const direct = (headers: Record<string, string> = {}) =>
    fetch(`${stack.get('gateway').appUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    }).then((r) => r.status);
  /** The auth counter of a client as the gateway keyed it in Redis (this window's or the last one's). */
  const storedCount = async (client: string): Promise<number | undefined> => {
    const windowMs = WINDOW_SECONDS * 1000;
    const start = Math.floor(Date.now() / windowMs) * windowMs;
    for (const s of [start, start - windowMs]) {
      const res = await fetch(`${stack.get('gateway').daprUrl}/v1.0/state/statestore/ratelimit:auth:client:${client}:${s}`, {
        headers: stack.daprHeaders('gateway'),
      });
      if (res.status === 200) return ((await res.json()) as { count: number }).count;
    }
    return undefined;
  };

  it('when clients come through NGINX and the ingress sidecar, then each is counted by the address NGINX wrote', async () => {
    const [a, b] = [newClient(), newClient()];
    const statuses = [];
    for (let i = 0; i < AUTH_LIMIT + 1; i++) statuses.push(await viaIngress(a));
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(400), 429]);
    // Another client behind the same ingress is not locked out by the first.
    expect(await viaIngress(b)).toBe(400);
    expect([await storedCount(a), await storedCount(b)]).toEqual([AUTH_LIMIT, 1]);
  });

  it("when a client slips entries of its own in front of NGINX's, then they never count", async () => {
    const client = newClient();
    const statuses = [];
    for (let i = 0; i < AUTH_LIMIT + 1; i++) statuses.push(await viaIngress(`${newClient()}, ${newClient()}, ${client}`));
    expect(statuses).toEqual([...Array(AUTH_LIMIT).fill(400), 429]);
    expect(await storedCount(client)).toBe(AUTH_LIMIT);
  });

  it('when a client calls the gateway port directly and rotates X-Forwarded-For, then it is counted by its socket address', async () => {
    // Whatever the loopback bucket already holds, rotating the header never gets a fresh one.
    const statuses = [];
    for (let i = 0; i < AUTH_LIMIT + 1; i++) statuses.push(await direct({ 'x-forwarded-for': newClient() }));
    expect(statuses.at(-1)).toBe(429);
  });

  it('when a call on the gateway port carries a wrong app token, then 401', async () => {
    expect(await direct({ 'dapr-api-token': 'not-the-token' })).toBe(401);
  });

  it('when /metrics or /readyz is asked on the public port, then 404; the operations port serves both', async () => {
    const gateway = stack.get('gateway');
    for (const path of ['/metrics', '/readyz']) {
      const res = await fetch(`${gateway.appUrl}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, expect.stringMatching(/problem\+json/)]);
      expect((await fetch(stack.invokeUrl('ingress', 'gateway', path))).status).not.toBe(200);
    }
    expect((await fetch(`${gateway.opsUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${gateway.opsUrl}/metrics`)).text()).toMatch(/http_server_request_duration_seconds/);
  });
});
