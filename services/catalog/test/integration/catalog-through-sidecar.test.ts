// The catalog as it runs for real: its process started from dapr/run.yaml, its daprd sidecar with the
// repository's components, its database URL read from the secret store, PostgreSQL migrated and seeded.
import { Stack, createTempDatabase, type TempDatabase } from '@shop/testkit';

type Json = Record<string, any>;

describe('catalog through its Dapr sidecar', () => {
  let db: TempDatabase;
  let stack: Stack;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(stack.invokeUrl('catalog', 'catalog', path), { headers: { ...headers, ...stack.daprHeaders('catalog') } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    db = await createTempDatabase('catalog_it');
    stack = await Stack.start({ apps: [{ appId: 'catalog' }], secrets: { 'catalog-db-url': db.url } });
  });
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  it('when the sidecar reports its metadata, then it is the pinned runtime with the secret store loaded', async () => {
    const meta = (await (
      await fetch(`${stack.get('catalog').daprUrl}/v1.0/metadata`, { headers: stack.daprHeaders('catalog') })
    ).json()) as Json;
    expect(meta.id).toBe('catalog');
    expect(meta.runtimeVersion).toBe('1.18.2');
    expect(meta.components.map((c: Json) => c.name)).toEqual(expect.arrayContaining(['secretstore', 'pubsub']));
  });

  it('when products are listed through service invocation, then a page of seeded products comes back', async () => {
    const { status, body } = await get('products?limit=2');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(typeof body.nextCursor).toBe('string');
    expect(body.items[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      price: { amount: expect.any(Number), currency: 'USD' },
      stock: { available: expect.any(Number) },
      category: { slug: expect.any(String) },
    });
  });

  it('when the next cursor is followed, then the next page continues without overlap', async () => {
    const first = await get('products?limit=3&sort=price_asc');
    const second = await get(`products?limit=3&sort=price_asc&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    const ids = new Set(first.body.items.map((p: Json) => p.id));
    expect(second.body.items.some((p: Json) => ids.has(p.id))).toBe(false);
    expect(second.body.items[0].price.amount).toBeGreaterThanOrEqual(first.body.items[2].price.amount);
  });

  it('when a filter is applied, then every item satisfies it', async () => {
    const { body } = await get('products?minPrice=2000&maxPrice=5000&inStock=true&limit=50');
    expect(body.items.length).toBeGreaterThan(0);
    for (const p of body.items) {
      expect(p.price.amount).toBeGreaterThanOrEqual(2000);
      expect(p.price.amount).toBeLessThanOrEqual(5000);
      expect(p.stock.available).toBeGreaterThan(0);
    }
  });

  it('when products are asked by ids, then exactly the known ones come back, each as GET /products/:id shows it', async () => {
    const listed = (await get('products?limit=3&sort=newest')).body.items as Json[];
    const unknown = '00000000-0000-4000-8000-000000000000';
    const ids = [listed[0]!.id, unknown, listed[2]!.id, listed[1]!.id];
    const { status, body } = await get(`products?ids=${ids.join(',')}&limit=50`);
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((p: Json) => p.id).sort()).toEqual(listed.map((p) => p.id).sort());
    for (const item of body.items) expect(item).toEqual((await get(`products/${item.id}`)).body);
    expect(body.items[0].stock).toEqual({ available: expect.any(Number) });
  });

  it.each([
    ['products?limit=-1', 'query.limit'],
    ['products?minPrice=abc', 'query.minPrice'],
    ['products?sort=cheapest', 'query.sort'],
    ['products?cursor=not-a-cursor', 'query.cursor'],
    ['products?ids=00000000-0000-4000-8000-000000000000,not-a-uuid', 'query.ids'],
    [
      `products?ids=${Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')}`,
      'query.ids',
    ],
    ['products/not-a-uuid', 'params.id'],
  ])('when %s is asked, then 400 problem+json names %s', async (path, field) => {
    const { status, type, body } = await get(path);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body.errors.map((e: Json) => e.field)).toContain(field);
  });

  it('when more than 50 ids are asked, then 400 problem+json names query.ids and says how many are allowed', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const { status, type, body } = await get(`products?ids=${ids.join(',')}`);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body.errors).toEqual([{ field: 'query.ids', message: 'must name from 1 to 50 products' }]);
  });

  it('when an unknown product id is asked, then 404 problem+json', async () => {
    const { status, type, body } = await get('products/00000000-0000-4000-8000-000000000000');
    expect(status).toBe(404);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body.title).toBe('Not found');
  });

  it('when a listed product is fetched by id, then it is the same product with its stock', async () => {
    const listed = (await get('products?limit=1')).body.items[0];
    const { status, body } = await get(`products/${listed.id}`);
    expect(status).toBe(200);
    expect(body).toEqual(listed);
  });

  it('when the category tree is asked, then it is nested', async () => {
    const { status, body } = await get('categories');
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(2);
    expect(body.items.some((c: Json) => c.children.some((d: Json) => d.children.length > 0))).toBe(true);
  });

  it('when the app port is called directly without the sidecar token, then 401; probes still answer', async () => {
    const app = stack.get('catalog');
    expect((await fetch(`${app.appUrl}/products?limit=1`)).status).toBe(401);
    expect((await fetch(`${app.appUrl}/products?limit=1`, { headers: { 'dapr-api-token': app.appApiToken } })).status).toBe(200);
    // /readyz is on the operations port, never the app port.
    expect((await fetch(`${app.appUrl}/readyz`, { headers: { 'dapr-api-token': app.appApiToken } })).status).toBe(404);
    const ready = (await (await fetch(`${app.opsUrl}/readyz`)).json()) as Json;
    expect(ready).toMatchObject({ status: 'ready' });
    expect(ready.checks.map((c: Json) => c.name).sort()).toEqual(['dapr-sidecar', 'postgres']);
  });

  it('when the app gets SIGTERM, then it drains and exits 0', async () => {
    const app = stack.get('catalog').app!;
    app.signal('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.log()).toContain('"message":"stopped"');
  });
});
