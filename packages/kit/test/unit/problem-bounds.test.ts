import { AppError, MAX_LISTED_PROBLEMS, ValidationError, bounded, createApp, createMetrics, routerFor, route, validate } from '../../src';
import { listen, memoryLogger } from './helpers';

type Json = Record<string, any>;

const address = {
  type: 'object',
  additionalProperties: false,
  properties: { line1: { type: 'string', minLength: 1 }, city: { type: 'string', minLength: 1 }, country: { type: 'string' } },
  required: ['line1', 'city', 'country'],
} as const;
const profilePatch = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string' }, addresses: { type: 'array', maxItems: 10, items: address } },
} as const;
const login = {
  type: 'object',
  additionalProperties: false,
  properties: { email: { type: 'string' }, password: { type: 'string' } },
  required: ['email', 'password'],
} as const;

describe('bounded problems', () => {
  let server: Awaited<ReturnType<typeof listen>>;
  let lines: () => Record<string, unknown>[];
  beforeAll(async () => {
    const built = memoryLogger();
    lines = built.lines;
    const routes = [
      route({ method: 'PATCH', path: '/me', summary: 'profile', body: profilePatch, handle: async () => ({}) }),
      route({ method: 'POST', path: '/sessions', summary: 'login', body: login, handle: async () => ({}) }),
    ];
    server = await listen(
      createApp({ logger: built.logger, metrics: createMetrics('test'), routers: [routerFor(routes)], bodyLimit: '1mb' }),
    );
  });
  afterAll(() => server.close());

  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(server.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), size: Buffer.byteLength(text), body: JSON.parse(text) as Json };
  };
  const lastRejection = () =>
    JSON.stringify(
      lines()
        .filter((l) => l.message === 'request rejected')
        .at(-1),
    );

  it('when PATCH /me carries 20,000 empty addresses, then the 400 lists 20 problems and counts the rest, in a few KB', async () => {
    const res = await send('PATCH', '/me', { addresses: Array.from({ length: 20_000 }, () => ({})) });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(res.body.errors[0]).toEqual({ field: 'body.addresses', message: 'must NOT have more than 10 items' });
    expect(res.body.errorsOmitted).toBe(20_000 * 3 + 1 - MAX_LISTED_PROBLEMS);
    expect(res.body.detail).toMatch(/; and 59996 more$/);
    expect(res.size).toBeLessThan(8 * 1024);
    expect(lastRejection().length).toBeLessThan(4 * 1024);
  });

  it('when a login carries 8,000 unknown keys, then the 400 lists 20 of them and counts the rest', async () => {
    const body: Record<string, string> = { email: 'a@b.co', password: 'x' };
    for (let i = 0; i < 8_000; i++) body[`k${i}`] = '';
    const res = await send('POST', '/sessions', body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(res.body.errors[0]).toEqual({ field: 'body.k0', message: 'is not allowed' });
    expect(res.body.errorsOmitted).toBe(8_000 - MAX_LISTED_PROBLEMS);
    expect(res.size).toBeLessThan(8 * 1024);
    expect(lastRejection().length).toBeLessThan(4 * 1024);
  });

  it('when an unknown key is 50,000 characters long, then its field name is cut', async () => {
    const res = await send('POST', '/sessions', { email: 'a@b.co', password: 'x', ['k'.repeat(50_000)]: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field.length).toBeLessThanOrEqual(200);
    expect(res.size).toBeLessThan(8 * 1024);
    expect(lastRejection().length).toBeLessThan(4 * 1024);
  });

  it('when a path of 10,000 characters matches no route, then the 404 and its log line stay small', async () => {
    const res = await fetch(`${server.url}/${'a'.repeat(10_000)}`);
    const text = await res.text();
    expect(res.status).toBe(404);
    expect(Buffer.byteLength(text)).toBeLessThan(4 * 1024);
    const logged = lines().filter((l) => l.message === 'request' || l.message === 'request rejected');
    for (const line of logged.slice(-2)) expect(JSON.stringify(line).length).toBeLessThan(4 * 1024);
  });
});

describe('the error model', () => {
  it('when a ValidationError is made from the first problems of many, then it counts the omitted ones', () => {
    const err = new ValidationError([{ field: 'body.a', message: 'is required' }], undefined, { total: 7 });
    expect(err).toMatchObject({ status: 400, code: 'validation-failed', errorsOmitted: 6, detail: 'body.a is required; and 6 more' });
  });

  it('when an AppError is given a huge detail and problems, then it keeps bounded copies', () => {
    const err = new AppError({
      status: 409,
      code: 'c',
      title: 't',
      detail: 'd'.repeat(100_000),
      errors: Array.from({ length: 100 }, () => ({ field: 'f'.repeat(1000), message: 'm'.repeat(1000) })),
    });
    expect(err.detail!.length).toBeLessThanOrEqual(1000);
    expect(err.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(err.errors!.every((p) => p.field.length <= 200 && p.message.length <= 200)).toBe(true);
    expect(err.errorsOmitted).toBe(80);
  });

  it('when validation fails, then the problems list stops at 20 whatever ajv found', () => {
    const many = { type: 'array', items: { type: 'integer' } } as const;
    expect(() =>
      validate(
        many,
        Array.from({ length: 1000 }, () => 'x'),
        'body',
      ),
    ).toThrow(
      expect.objectContaining({ errorsOmitted: 980, errors: expect.arrayContaining([{ field: 'body[0]', message: 'must be integer' }]) }),
    );
  });
});

describe('coerced numbers', () => {
  const query = {
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, price: { type: 'number', maximum: 10 } },
  } as const;

  it.each(['1e309', '-1e309'])('when a query integer is %s, then it is a 400 and never Infinity', (text) => {
    expect(() => validate(query, { limit: text }, 'query')).toThrow(
      expect.objectContaining({ status: 400, errors: [{ field: 'query.limit', message: 'must be a finite number' }] }),
    );
    expect(() => validate(query, { price: text }, 'query')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('when a query number is ordinary exponent notation, then it is coerced as before', () => {
    expect(validate(query, { limit: '1e1' }, 'query')).toEqual({ limit: 10 });
  });
});

describe('bounded', () => {
  it('when text is longer than the bound, then it is cut with an ellipsis and never inside a surrogate pair', () => {
    expect(bounded('abcdef', 4)).toBe('abc…');
    expect(bounded('abcdef', 6)).toBe('abcdef');
    expect(bounded('ab😀cd', 4)).toBe('ab…');
  });
});
