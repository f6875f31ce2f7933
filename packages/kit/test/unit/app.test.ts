import { AppError, createApp, createMetrics, operationsOf, routerFor, route } from '../../src';
import { listen, memoryLogger } from './helpers';

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1 } },
  required: ['name'],
} as const;

function build(appApiToken?: string) {
  const { logger, lines } = memoryLogger();
  const routes = [
    route({ method: 'GET', path: '/ok', summary: 'ok', handle: async () => ({ ok: true }) }),
    route({
      method: 'POST',
      path: '/things',
      summary: 'create',
      body: bodySchema,
      handle: async ({ body }, ctx) => {
        ctx.status = 201;
        return { name: body.name };
      },
    }),
    route({ method: 'GET', path: '/boom', summary: 'fails', handle: async () => Promise.reject(new Error('db password is hunter2')) }),
    route({
      method: 'GET',
      path: '/teapot',
      summary: 'domain error',
      handle: async () => Promise.reject(new AppError({ status: 409, code: 'out-of-stock', title: 'Out of stock', detail: 'only 2 left' })),
    }),
    route({ method: 'GET', path: '/log', summary: 'logs', handle: async () => (logger.info('inside handler'), { ok: true }) }),
    route({
      method: 'GET',
      path: '/busy',
      summary: 'sheds load',
      handle: async () =>
        Promise.reject(
          new AppError({
            status: 503,
            code: 'overloaded',
            title: 'Too busy',
            detail: 'try again',
            expose: true,
            headers: { 'Retry-After': '7' },
          }),
        ),
    }),
  ];
  const app = createApp({
    logger,
    metrics: createMetrics('test'),
    routers: [routerFor(routes)],
    bodyLimit: '1kb',
    ...(appApiToken ? { appApiToken } : {}),
  });
  return { app, lines };
}

describe('createApp', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let ops: Awaited<ReturnType<typeof listen>>;
  let lines: () => Record<string, unknown>[];
  beforeAll(async () => {
    const built = build();
    lines = built.lines;
    server = await listen(built.app);
    ops = await listen(operationsOf(built.app));
  });
  afterAll(() => Promise.all([server.close(), ops.close()]));

  const post = (body: string, type = 'application/json') =>
    fetch(`${server.url}/things`, { method: 'POST', headers: { 'content-type': type }, body });

  it('when a handler sets 201, then the body and status are returned', async () => {
    const res = await post('{"name":"lamp"}');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ name: 'lamp' });
  });

  it('when the body fails its schema, then 400 problem+json lists the field', async () => {
    const res = await post('{"name":""}');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { errors: unknown };
    expect(problem).toMatchObject({ type: expect.stringMatching(/validation-failed$/), status: 400, title: expect.any(String) });
    expect(problem.errors).toEqual([{ field: 'body.name', message: 'must NOT have fewer than 1 characters' }]);
  });

  it('when the JSON is malformed, then 400 problem+json', async () => {
    const res = await post('{"name":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toMatch(/bad-request$/);
  });

  it('when the body is over the limit, then 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(5_000) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { type: string }).type).toMatch(/payload-too-large$/);
  });

  it('when the body is not JSON, then 415', async () => {
    const res = await post('name=lamp', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(415);
  });

  it('when a handler throws an unknown error, then 500 without internals, and the log keeps the cause', async () => {
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: 'Internal error' });
    expect(lines().some((l) => l['log.level'] === 'error' && String(l['error.message']).includes('hunter2'))).toBe(true);
  });

  it('when the domain throws an AppError, then its status, code and detail are the problem', async () => {
    const res = await fetch(`${server.url}/teapot`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ type: expect.stringMatching(/out-of-stock$/), detail: 'only 2 left' });
  });

  it('when an error carries Retry-After, then the problem says it too (retryAfter), and a 5xx the service explains is logged as a refusal', async () => {
    const res = await fetch(`${server.url}/busy`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ type: expect.stringMatching(/overloaded$/), detail: 'try again', retryAfter: 7 });
    expect(lines().some((l) => l.message === 'request rejected' && l['error.code'] === 'overloaded')).toBe(true);
    expect(lines().some((l) => l.message === 'request failed' && String(l['error.message']).includes('try again'))).toBe(false);
  });

  it('when no route matches, then 404 problem+json; a wrong method is 405', async () => {
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${server.url}/ok`, { method: 'DELETE' })).status).toBe(405);
  });

  it('when a request carries traceparent and a request id, then both reach the log lines and the id is echoed', async () => {
    const res = await fetch(`${server.url}/log`, {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-request-id': 'req-42' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const line = lines().find((l) => l.message === 'inside handler');
    expect(line).toMatchObject({
      'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736',
      'span.id': '00f067aa0ba902b7',
      'http.request.id': 'req-42',
      'service.name': 'test',
    });
  });

  it('when metrics are scraped, then request durations are labelled by route template', async () => {
    await fetch(`${server.url}/ok`);
    const text = await (await fetch(`${ops.url}/metrics`)).text();
    expect(text).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/ok"[^}]*status="200"/);
  });

  it('when /readyz or /metrics is asked on the app port, then 404 problem+json; the operations app serves them, and /healthz on both', async () => {
    for (const path of ['/readyz', '/metrics']) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
    }
    expect(await (await fetch(`${ops.url}/readyz`)).json()).toEqual({ status: 'ready', checks: [] });
    expect((await fetch(`${ops.url}/metrics`)).headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${ops.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const other = await fetch(`${ops.url}/ok`);
    expect([other.status, other.headers.get('content-type')]).toEqual([404, expect.stringMatching(/problem\+json/)]);
  });
});

describe('app token guard', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(build('s3cret-token').app);
  });
  afterAll(() => server.close());

  it('when a caller has no dapr-api-token, then 401; with it, 200', async () => {
    expect((await fetch(`${server.url}/ok`)).status).toBe(401);
    expect((await fetch(`${server.url}/ok`, { headers: { 'dapr-api-token': 'wrong-token!' } })).status).toBe(401);
    expect((await fetch(`${server.url}/ok`, { headers: { 'dapr-api-token': 's3cret-token' } })).status).toBe(200);
  });

  it('when the health probe is called without the token, then it still answers', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
