import { buildOpenApi, toOpenApiPath } from '../../src/routes/openapi';
import { problem } from '../../src/routes/schemas';
import { API_PREFIX, routeTable } from '../../src/routes/table';

type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  const doc: Json = buildOpenApi(routeTable, { title: 'Shop API', version: '1.0.0', serverUrl: API_PREFIX, problemSchema: problem });
  const op = (method: string, path: string): Json => doc.paths[toOpenApiPath(path)][method.toLowerCase()];

  it('when built, then it is OpenAPI 3.1 with info, the /api/v1 server and a bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Shop API', version: '1.0.0' });
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('when built, then every route of the table is there with its method, and nothing else', () => {
    const documented = Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const declared = routeTable.map((r) => `${r.method} ${toOpenApiPath(r.path)}`);
    expect(documented.sort()).toEqual(declared.sort());
    expect(declared).toEqual(
      expect.arrayContaining(['GET /products/{id}', 'POST /auth/login', 'GET /admin/users/{id}', 'GET /openapi.json']),
    );
  });

  it('when an operation is listed, then its id is unique', () => {
    const ids = routeTable.map((r) => op(r.method, r.path).operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when a route has query and path schemas, then each property becomes a parameter with its schema', () => {
    const search = op('GET', '/products').parameters as Json[];
    expect(search.map((p) => p.name).sort()).toEqual(['category', 'cursor', 'inStock', 'limit', 'maxPrice', 'minPrice', 'q', 'sort']);
    expect(search.every((p) => p.in === 'query')).toBe(true);
    expect(search.find((p) => p.name === 'sort')?.schema.enum).toContain('price_asc');
    // limit has a default, so a client may leave it out
    expect(search.find((p) => p.name === 'limit')).toMatchObject({ required: false, schema: { default: 20 } });
    expect(op('GET', '/products/:id').parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    ]);
  });

  it('when a route takes a body, then the request body is the validating schema, required, as JSON', () => {
    const body = op('POST', '/auth/register').requestBody;
    expect(body.required).toBe(true);
    expect(body.content['application/json'].schema.required).toEqual(['email', 'password', 'name']);
  });

  it('when a route needs a user, then it has bearer security and a 401; public routes have none', () => {
    expect(op('GET', '/me').security).toEqual([{ bearerAuth: [] }]);
    expect(op('GET', '/me').responses['401']).toBeDefined();
    expect(op('GET', '/products').security).toEqual([]);
    expect(op('GET', '/products').responses['401']).toBeUndefined();
    expect(op('GET', '/admin/users').responses['403']).toBeDefined();
    expect(op('GET', '/me').responses['403']).toBeUndefined();
  });

  it('when responses are listed, then success has its status and errors point at problem+json', () => {
    expect(op('POST', '/auth/register').responses['201'].content['application/json'].schema).toBeDefined();
    expect(op('POST', '/auth/logout').responses['204'].content).toBeUndefined();
    expect(op('GET', '/products').responses['429']).toEqual({ $ref: '#/components/responses/Problem429' });
    expect(doc.components.responses.Problem429.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(doc.components.responses.Problem429.headers['Retry-After']).toBeDefined();
    expect(doc.components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
  });

  it('when any $ref is used, then it resolves inside the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
      expect(path.reduce<Json | undefined>((node, part) => node?.[part], doc)).toBeDefined();
    }
  });
});
