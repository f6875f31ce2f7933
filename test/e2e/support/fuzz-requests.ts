// Hostile requests for every operation of the gateway's OpenAPI document, as fast-check arbitraries:
// malformed JSON, wrong types, huge and negative numbers, long and binary text, NUL, invalid UTF-8
// bytes, unknown keys, tampered cursors and tokens. Each request is the exact bytes sent, so a failure
// printed with its seed (or its request) reproduces.
import fc from 'fast-check';
import { hostileNumber, hostileText, mutated, plausible } from './hostile-values';

export type Json = any;

/** One operation of the OpenAPI document: what the generators need of it. */
export interface Operation {
  method: string;
  /** OpenAPI path under the server URL, e.g. `/products/{id}`. */
  path: string;
  params: Array<{ name: string; in: 'path' | 'query'; schema: Json }>;
  body?: { schema: Json; example?: unknown };
}

export interface HostileRequest {
  /** `METHOD /openapi/path`, for counting. */
  route: string;
  method: string;
  /** Percent-encoded path and query under /api/v1. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** A known attack: it must be refused (4xx), not merely answered without a 5xx. */
  refused?: true;
}

/** What a request may be sent with: ids of real resources, real cursors, a token per role. */
export interface FuzzContext {
  ids: string[];
  cursors: string[];
  /** undefined for the anonymous role. */
  token: string | undefined;
}

export function operationsOf(openapi: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(openapi.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const content = op.requestBody?.content?.['application/json'];
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: Json) => ({ name: p.name, in: p.in, schema: p.schema })),
        ...(content ? { body: { schema: content.schema, example: content.example } } : {}),
      });
    }
  }
  return ops;
}

// Bytes that are no UTF-8 at all: a lone continuation, an overlong slash, a truncated sequence, an
// encoded surrogate, an invalid lead byte.
const BAD_UTF8 = [[0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0xf4, 0x90, 0x80, 0x80]];

const withBadBytes = (json: string, at: number, bytes: number[]): Buffer => {
  const quote = json.indexOf('"', at % Math.max(json.length, 1));
  const i = quote < 0 ? json.length : quote + 1;
  return Buffer.concat([Buffer.from(json.slice(0, i)), Buffer.from(bytes), Buffer.from(json.slice(i))]);
};

const MALFORMED = [
  '',
  '{',
  '[',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'null',
  'true',
  '"text"',
  '42',
  'NaN',
  '{"a":NaN}',
  '{"a":1e999999}',
  '\u0000',
];

function bodyFor(op: Operation): fc.Arbitrary<Buffer> {
  const schema = op.body?.schema ?? { type: 'object' };
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8'));
  return fc.oneof(
    { weight: 5, arbitrary: json(plausible(schema)) },
    { weight: 6, arbitrary: json(mutated(schema)) },
    { weight: 2, arbitrary: op.body?.example === undefined ? json(mutated(schema)) : json(fc.constant(op.body.example)) },
    { weight: 2, arbitrary: json(fc.jsonValue({ maxDepth: 4 })) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED).map((t) => Buffer.from(t)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(json(mutated(schema)), fc.nat(), fc.constantFrom(...BAD_UTF8))
        .map(([b, at, bytes]) => withBadBytes(b.toString('utf8'), at, bytes)),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          () => JSON.stringify({ addresses: Array.from({ length: 20_000 }, () => ({})) }),
          () => JSON.stringify(Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`k${i}`, '']))),
          () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
          () => JSON.stringify({ name: 'x'.repeat(300_000) }),
        )
        .map((make) => Buffer.from(make())),
    },
  );
}

/** Percent-encodes text as UTF-8 (a lone surrogate becomes U+FFFD, as a browser would send it). */
const enc = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** Escapes no decoder accepts, sent as they are. */
const RAW_ESCAPES = ['%FF', '%C3%28', '%ED%A0%80', '%E2%82', '%00', '%', '%zz', '%C0%AF', 'a%00'];

function cursorFor(ctx: FuzzContext): fc.Arbitrary<string> {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8').toString('base64url');
  const id = fc.oneof(fc.uuid(), hostileText);
  const at = fc.oneof(
    fc.constantFrom('1', '2026-02-30T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'),
    hostileText,
  );
  const sort = fc.constantFrom('relevance', 'price_asc', 'price_desc', 'name_asc', 'newest', 'random');
  const real = ctx.cursors.length ? fc.constantFrom(...ctx.cursors) : fc.constant('');
  return fc.oneof(
    real,
    fc
      .tuple(real, fc.nat(), fc.constantFrom('A', '_', '-', 'z'))
      .map(([c, i, ch]) => (c ? c.slice(0, i % c.length) + ch + c.slice((i % c.length) + 1) : ch)),
    fc.record({ s: sort, v: fc.oneof(hostileNumber, hostileText, at), id }).map(b64),
    fc.record({ c: at, id }).map(b64),
    fc.tuple(at, id).map(b64),
    fc.jsonValue({ maxDepth: 2 }).map(b64),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
}

/** A value a client could mean: a real id for a path, a schema-shaped value otherwise. */
function fairValue(p: Operation['params'][number], ctx: FuzzContext): fc.Arbitrary<string> {
  const shaped = plausible(p.schema).map((v) => enc(String(v)));
  return p.in === 'path' && ctx.ids.length ? fc.oneof(fc.constantFrom(...ctx.ids), shaped) : shaped;
}

/** A value no client should send: hostile text or numbers, raw bad escapes, a tampered cursor. */
function hostileValue(p: Operation['params'][number], ctx: FuzzContext): fc.Arbitrary<string> {
  const options: Array<fc.WeightedArbitrary<string>> = [
    { weight: 3, arbitrary: hostileText.map(enc) },
    { weight: 2, arbitrary: hostileNumber.map((n) => enc(String(n))) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_ESCAPES) },
  ];
  if (p.name === 'cursor') options.push({ weight: 7, arbitrary: cursorFor(ctx).map(enc) });
  return fc.oneof(...options);
}

/**
 * The values of some parameters: all fair (reaching the services), exactly one hostile (so that each
 * attack is tried on its own, not hidden behind another field's 400), or any mix.
 */
function paramValues(params: Operation['params'], ctx: FuzzContext, required: boolean): fc.Arbitrary<Array<string | null>> {
  const maybe = (a: fc.Arbitrary<string>) => (required ? a : fc.oneof(a, fc.constant(null)));
  if (params.length === 0) return fc.constant([]);
  const fair = fc.tuple(...params.map((p) => maybe(fairValue(p, ctx))));
  const oneBad = fc
    .tuple(fair, fc.nat(params.length - 1), fc.tuple(...params.map((p) => hostileValue(p, ctx))))
    .map(([values, i, bad]) => values.map((v, j) => (j === i ? bad[j]! : v)));
  const mixed = fc.tuple(...params.map((p) => maybe(fc.oneof(fairValue(p, ctx), hostileValue(p, ctx)))));
  return fc.oneof({ weight: 3, arbitrary: fair }, { weight: 5, arbitrary: oneBad }, { weight: 2, arbitrary: mixed });
}

function queryFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<string> {
  const declared = op.params.filter((p) => p.in === 'query');
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(hostileText, hostileText).map(([k, v]) => `${enc(k) || 'x'}=${enc(v)}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...(declared.length ? declared : [{ name: 'limit' }])).map((p) => `${p.name}=1&${p.name}=2`),
    },
  );
  return fc.tuple(paramValues(declared, ctx, false), extra).map(([values, more]) => {
    const pairs = declared.flatMap((p, i) => (values[i] === null ? [] : [`${p.name}=${values[i]}`]));
    const all = more === null ? pairs : [...pairs, more];
    return all.length ? `?${all.join('&')}` : '';
  });
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'multipart/form-data; boundary=x',
  'application/xml',
];

function authorizationFor(ctx: FuzzContext): fc.Arbitrary<string | undefined> {
  const token = ctx.token;
  const tampered = token
    ? fc.oneof(
        fc.nat().map((i) => {
          const at = i % token.length;
          return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
        }),
        fc.constant(token.split('.').slice(0, 2).join('.') + '.'),
        fc.constant(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${token.split('.')[1]}.`),
      )
    : fc.constant('eyJhbGciOiJub25lIn0.e30.');
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(token === undefined ? undefined : `Bearer ${token}`) },
    { weight: 2, arbitrary: tampered.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((t) => `Bearer ${t.replace(/[^\x21-\x7e]/g, '')}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Basic YTpi', `bearer ${'x'.repeat(6000)}`) },
  );
}

/** Hostile requests for one operation, as one role. */
export function requestsFor(op: Operation, ctx: FuzzContext): fc.Arbitrary<HostileRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const segments = paramValues(pathParams, ctx, true);
  const idempotencyKey = fc.oneof(
    { weight: 6, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((k) => k.replace(/[^\t\x20-\x7e]/g, '')) },
    { weight: 1, arbitrary: fc.constantFrom('', 'ÿÿ', 'x'.repeat(129)) },
  );
  const contentType = fc.oneof(
    { weight: 10, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  const withBody = op.body !== undefined || op.method !== 'GET';
  return fc
    .record({
      segments,
      query: queryFor(op, ctx),
      auth: authorizationFor(ctx),
      key: idempotencyKey,
      type: contentType,
      body: withBody ? fc.option(bodyFor(op), { freq: 8 }) : fc.constant(null),
      ip: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
    })
    .map(({ segments: values, query, auth, key, type, body, ip }) => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, values[i] || '%20')));
      const headers: Record<string, string> = { 'x-forwarded-for': `10.${ip.join('.')}`, 'idempotency-key': key };
      if (auth !== undefined) headers.authorization = auth;
      if (body) headers['content-type'] = type;
      return { route: `${op.method} ${op.path}`, method: op.method, path: path + query, headers, ...(body ? { body } : {}) };
    });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/**
 * The attacks of issue 10 as they were reproduced (each was a 502 or a body of megabytes), sent by every
 * role on every run besides the generated ones: a regression corpus that does not depend on the seed.
 */
export function knownAttacks(operations: readonly Operation[], ctx: FuzzContext, id: string): HostileRequest[] {
  const has = (method: string, path: string) => operations.some((o) => o.method === method && o.path === path);
  const headers = { 'x-forwarded-for': '10.0.0.1', ...(ctx.token ? { authorization: `Bearer ${ctx.token}` } : {}) };
  const json = (value: unknown) => ({
    headers: { ...headers, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(value)),
  });
  const list: Array<Omit<HostileRequest, 'headers'> & { headers?: Record<string, string> }> = [
    { route: 'GET /products', method: 'GET', path: '/products?q=%00%00' },
    { route: 'GET /products', method: 'GET', path: '/products?q=%FF%FE' },
    { route: 'GET /products', method: 'GET', path: '/products?minPrice=2147483648&maxPrice=1e309&limit=1e309' },
    ...['price_asc', 'price_desc'].map((sort) => ({
      route: 'GET /products',
      method: 'GET',
      path: `/products?sort=${sort}&cursor=${b64({ s: sort, v: 2 ** 53 - 1, id })}`,
    })),
    { route: 'GET /products', method: 'GET', path: `/products?q=lamp&sort=relevance&cursor=${b64({ s: 'relevance', v: 1e300, id })}` },
    {
      route: 'GET /products',
      method: 'GET',
      path: `/products?sort=newest&cursor=${b64({ s: 'newest', v: '2026-02-30T00:00:00.000Z', id })}`,
    },
    { route: 'GET /products', method: 'GET', path: `/products?sort=name_asc&cursor=${b64({ s: 'name_asc', v: 'a\u0000', id })}` },
    { route: 'GET /orders', method: 'GET', path: `/orders?cursor=${b64(['1', id])}` },
    { route: 'GET /orders', method: 'GET', path: `/orders?cursor=${b64(['2026-01-01T00:00:00.000Z', '-'.repeat(36)])}` },
    { route: 'GET /admin/users', method: 'GET', path: `/admin/users?cursor=${b64({ c: '2026-02-30T00:00:00.000Z', id })}` },
    { route: 'GET /products/{id}', method: 'GET', path: `/products/urn:uuid:${id}` },
    {
      route: 'PATCH /me',
      method: 'PATCH',
      path: '/me',
      ...json({ addresses: Array.from({ length: 20_000 }, () => ({})) }),
    },
    {
      route: 'POST /auth/login',
      method: 'POST',
      path: '/auth/login',
      ...json(Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`k${i}`, '']))),
    },
  ];
  return list
    .filter((r) => has(r.method, r.route.slice(r.method.length + 1)))
    .map((r) => ({
      ...r,
      refused: true as const,
      headers: { ...headers, 'idempotency-key': `known-${r.route}`.replace(/[^\x21-\x7e]/g, '-'), ...r.headers },
    }));
}
