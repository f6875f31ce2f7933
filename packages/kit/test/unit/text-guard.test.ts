import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createMetrics, routerFor, route } from '../../src';
import { utf8Text } from '../../src/http/text-guard';
import { memoryLogger } from './helpers';

type Json = Record<string, any>;

const body = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 100 }, tags: { type: 'array', items: { type: 'object' } } },
} as const;

function build() {
  const { logger } = memoryLogger();
  const routes = [
    route({
      method: 'GET',
      path: '/things/:id',
      summary: 'one',
      params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const,
      handle: async ({ params }) => ({ id: params.id }),
    }),
    route({
      method: 'GET',
      path: '/search',
      summary: 'search',
      query: { type: 'object', properties: { q: { type: 'string' } } } as const,
      handle: async ({ query }) => ({ q: query.q ?? null }),
    }),
    route({ method: 'POST', path: '/things', summary: 'echo', body, handle: async ({ body: b }) => b }),
  ];
  return createApp({ logger, metrics: createMetrics('test'), routers: [routerFor(routes)] });
}

/** Raw HTTP, so that the exact bytes of the path and body reach the app (fetch would normalise them). */
function send(server: http.Server, method: string, path: string, payload?: Buffer): Promise<{ status: number; type: string; body: Json }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as Json,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const fields = (body: Json) => (body.errors as { field: string }[]).map((e) => e.field);

describe('the text guard (every app of the kit)', () => {
  const server = http.createServer(build().callback());
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['a NUL in the query', 'query.q', '/search?q=lamp%00', 'must not contain NUL characters'],
    ['invalid UTF-8 in the query', 'query.q', '/search?q=%FF%FE', 'must be valid UTF-8 text'],
    ['a truncated escape in the query', 'query.q', '/search?q=%E2%82', 'must be valid UTF-8 text'],
    ['an encoded surrogate in the query', 'query.q', '/search?q=%ED%A0%80', 'must be valid UTF-8 text'],
    ['a NUL in a path parameter', 'path', '/things/a%00b', 'must not contain NUL characters'],
    ['invalid UTF-8 in a path parameter', 'path', '/things/%C0%AF', 'must be valid UTF-8 text'],
  ])('when %s is sent, then 400 problem+json names %s', async (_what, field, path, message) => {
    const res = await send(server, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field, message }]);
  });

  it.each([
    ['a NUL escape in a string', 'body.name', Buffer.from('{"name":"a\\u0000b"}'), 'must not contain NUL characters'],
    ['a lone high surrogate escape', 'body.name', Buffer.from('{"name":"\\ud800"}'), 'must be valid UTF-8 text'],
    ['a lone low surrogate escape', 'body.name', Buffer.from('{"name":"x\\udc00y"}'), 'must be valid UTF-8 text'],
    [
      'invalid UTF-8 bytes in a nested string',
      'body.tags[1].label',
      Buffer.concat([Buffer.from('{"tags":[{"label":"ok"},{"label":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]),
      'must be valid UTF-8 text',
    ],
    [
      'an overlong encoding',
      'body.name',
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
      'must be valid UTF-8 text',
    ],
    [
      'a UTF-8 encoded surrogate',
      'body.name',
      Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
      'must be valid UTF-8 text',
    ],
    [
      'a NUL in a property name',
      'body.na\uFFFDme',
      Buffer.from('{"na\\u0000me":"x"}'),
      'has a property name that must not contain NUL characters',
    ],
  ])('when a JSON body has %s, then 400 names %s', async (_what, field, payload, message) => {
    const res = await send(server, 'POST', '/things', payload);
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toContainEqual({ field, message });
  });

  it('when a JSON body nests deeper than any request does, then 400 instead of a deep walk', async () => {
    const deep = `{"tags":[${'['.repeat(5000)}${']'.repeat(5000)}]}`;
    const res = await send(server, 'POST', '/things', Buffer.from(deep));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/nested/);
  });

  it('when text is valid UTF-8 beyond ASCII, then it arrives decoded exactly', async () => {
    const name = 'Crème brûlée — 東京 🍮 \uFFFD';
    const res = await send(server, 'POST', '/things', Buffer.from(JSON.stringify({ name }), 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name });
    expect((await send(server, 'GET', `/search?q=${encodeURIComponent(name)}`)).body).toEqual({ q: name });
    expect((await send(server, 'GET', `/things/${encodeURIComponent('crème')}`)).body).toEqual({ id: 'crème' });
  });

  it('when the body is malformed JSON, then 400 as before', async () => {
    const res = await send(server, 'POST', '/things', Buffer.from('{"name":'));
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
  });

  it('when many strings are bad, then the first 20 are named and the rest counted', async () => {
    const tags = Array.from({ length: 500 }, () => ({ label: '\u0000' }));
    const res = await send(server, 'POST', '/things', Buffer.from(JSON.stringify({ tags })));
    expect(res.status).toBe(400);
    expect(fields(res.body)).toHaveLength(20);
    expect(fields(res.body)[0]).toBe('body.tags[0].label');
    expect(res.body.errorsOmitted).toBe(480);
  });
});

describe('utf8Text', () => {
  it('when the bytes are valid UTF-8, then they decode as usual', () => {
    expect(utf8Text(Buffer.from('añ€😀', 'utf8'))).toBe('añ€😀');
  });

  it('when a byte sequence is invalid, then each bad byte becomes a lone surrogate (never U+FFFD)', () => {
    expect(utf8Text(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\uD800b');
    expect(utf8Text(Buffer.from([0xf0, 0x9f, 0x98]))).toBe('\uD800\uD800\uD800');
    expect(utf8Text(Buffer.from([0xef, 0xbf, 0xbd]))).toBe('\uFFFD');
  });
});
