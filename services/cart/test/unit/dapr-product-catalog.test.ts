// The catalog adapter's mapping of what service invocation gives back, with a stand-in for the SDK.
import { randomUUID } from 'node:crypto';
import { DaprSidecar, DependencyError } from '@shop/kit';
import { DaprProductCatalog } from '../../src/adapters/dapr-product-catalog';

const id = randomUUID();
const answer = {
  id,
  sku: 'LAMP-1',
  name: 'Desk lamp',
  description: 'ignored',
  price: { amount: 4_500, currency: 'USD' },
  stock: { available: 7 },
  inStock: true,
};

/** A DaprClient whose invoke answers with `impl`; the SDK rejects with its JSON error message. */
const clientWith = (impl: (appId: string, path: string) => Promise<unknown>) => {
  const invoke = jest.fn(impl);
  const client = new DaprSidecar({ invoker: { invoke } } as never);
  return { client, invoke };
};
const sdkError = (status: number, body: unknown) => new Error(JSON.stringify({ status, error_msg: JSON.stringify(body) }));

describe('DaprProductCatalog', () => {
  it('when the catalog answers, then the product is mapped to a snapshot, asked of the configured app id', async () => {
    const { client, invoke } = clientWith(async () => answer);
    const found = await new DaprProductCatalog(client, 'catalog-x', 1_000).find(id);
    expect(found).toEqual({ productId: id, sku: 'LAMP-1', name: 'Desk lamp', unitPrice: { amount: 4_500, currency: 'USD' }, available: 7 });
    expect(invoke).toHaveBeenCalledWith('catalog-x', `products/${id}`, 'GET', undefined, expect.anything());
  });

  it('when the catalog answers 404, then undefined', async () => {
    const { client } = clientWith(async () =>
      Promise.reject(sdkError(404, { type: 'https://shop.example/problems/not-found', title: 'Not found' })),
    );
    expect(await new DaprProductCatalog(client, 'catalog', 1_000).find(id)).toBeUndefined();
  });

  it('when the catalog answers another 4xx, then a 502 DependencyError (the services disagree, not the caller)', async () => {
    const { client } = clientWith(async () => Promise.reject(sdkError(400, { title: 'Bad request' })));
    await expect(new DaprProductCatalog(client, 'catalog', 1_000).find(id)).rejects.toMatchObject({
      status: 502,
      code: 'dependency-unavailable',
    });
  });

  it('when the catalog does not answer in time, then a 504 DependencyError as soon as the timeout passes', async () => {
    const { client } = clientWith(() => new Promise((resolve) => setTimeout(() => resolve(answer), 400)));
    const started = Date.now();
    await expect(new DaprProductCatalog(client, 'catalog', 50).find(id)).rejects.toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('when the answer lacks the price, then a DependencyError naming the field', async () => {
    const { client } = clientWith(async () => ({ ...answer, price: undefined }));
    const found = new DaprProductCatalog(client, 'catalog', 1_000).find(id);
    await expect(found).rejects.toBeInstanceOf(DependencyError);
    await expect(found).rejects.toThrow(/price/);
  });
});

describe('DaprProductCatalog.findMany', () => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const item = (productId: string, amount: number) => ({
    ...answer,
    id: productId,
    sku: `SKU-${amount}`,
    price: { amount, currency: 'USD' },
  });
  /** The query of the one call made: its path's `ids` (split) and `limit`. */
  const asked = (invoke: jest.Mock) => {
    const [path] = invoke.mock.calls.map((c) => String(c[1]));
    const [route, query] = path!.split('?');
    const params = new URLSearchParams(query);
    return { route, ids: params.get('ids')?.split(','), limit: params.get('limit') };
  };

  it('when the catalog answers, then one call asks for every id with a limit that fits them, and each is mapped', async () => {
    const { client, invoke } = clientWith(async () => ({
      items: [item(ids[2]!, 300), item(ids[0]!, 100), item(ids[1]!, 200)],
      nextCursor: null,
    }));
    const found = await new DaprProductCatalog(client, 'catalog-x', 1_000).findMany(ids);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke).toHaveBeenCalledWith('catalog-x', expect.any(String), 'GET', undefined, expect.anything());
    expect(asked(invoke)).toEqual({ route: 'products', ids, limit: '3' });
    expect([...found.keys()].sort()).toEqual([...ids].sort());
    expect(found.get(ids[1]!)).toEqual({
      productId: ids[1],
      sku: 'SKU-200',
      name: 'Desk lamp',
      unitPrice: { amount: 200, currency: 'USD' },
      available: 7,
    });
  });

  it('when the catalog does not know some ids, then they are absent from the map', async () => {
    const { client } = clientWith(async () => ({ items: [item(ids[1]!, 200)], nextCursor: null }));
    const found = await new DaprProductCatalog(client, 'catalog', 1_000).findMany(ids);
    expect([...found.keys()]).toEqual([ids[1]]);
  });

  it('when ids are asked in upper case, then the catalog is asked in lower case and the map keeps the caller’s spelling', async () => {
    const upper = ids[0]!.toUpperCase();
    const { client, invoke } = clientWith(async () => ({ items: [item(ids[0]!, 100)], nextCursor: null }));
    const found = await new DaprProductCatalog(client, 'catalog', 1_000).findMany([upper]);
    expect(asked(invoke).ids).toEqual([ids[0]]);
    expect(found.get(upper)?.productId).toBe(ids[0]);
  });

  it('when no id is asked, then no call is made', async () => {
    const { client, invoke } = clientWith(async () => ({ items: [] }));
    expect(await new DaprProductCatalog(client, 'catalog', 1_000).findMany([])).toEqual(new Map());
    expect(invoke).not.toHaveBeenCalled();
  });

  it('when more ids are asked than the catalog takes at once (50), then it rejects without calling', async () => {
    const { client, invoke } = clientWith(async () => ({ items: [] }));
    const many = Array.from({ length: 51 }, () => randomUUID());
    await expect(new DaprProductCatalog(client, 'catalog', 1_000).findMany(many)).rejects.toThrow(/at most 50/);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('when one item lacks the price, then a DependencyError naming that item’s field', async () => {
    const { client } = clientWith(async () => ({ items: [item(ids[0]!, 100), { ...item(ids[1]!, 200), price: undefined }] }));
    const found = new DaprProductCatalog(client, 'catalog', 1_000).findMany(ids);
    await expect(found).rejects.toBeInstanceOf(DependencyError);
    await expect(found).rejects.toThrow(/body\.items\[1\]\.price/);
  });

  it('when the answer is not a page of items, then a DependencyError', async () => {
    const { client } = clientWith(async () => item(ids[0]!, 100));
    await expect(new DaprProductCatalog(client, 'catalog', 1_000).findMany(ids)).rejects.toThrow(/body\.items is required/);
  });

  it('when the answer holds a product that was not asked for, then a DependencyError (the catalog ignored the filter)', async () => {
    const { client } = clientWith(async () => ({ items: [item(randomUUID(), 100)], nextCursor: null }));
    const found = new DaprProductCatalog(client, 'catalog', 1_000).findMany(ids);
    await expect(found).rejects.toBeInstanceOf(DependencyError);
    await expect(found).rejects.toThrow(/was not asked for/);
  });

  it('when the catalog refuses the query (4xx, 404 included), then a 502 DependencyError', async () => {
    for (const status of [400, 404]) {
      const { client } = clientWith(async () => Promise.reject(sdkError(status, { title: 'Bad request' })));
      await expect(new DaprProductCatalog(client, 'catalog', 1_000).findMany(ids)).rejects.toMatchObject({
        status: 502,
        code: 'dependency-unavailable',
      });
    }
  });

  it('when the catalog does not answer in time, then a 504 DependencyError as soon as the timeout passes', async () => {
    const { client } = clientWith(() => new Promise((resolve) => setTimeout(() => resolve({ items: [] }), 400)));
    const started = Date.now();
    await expect(new DaprProductCatalog(client, 'catalog', 50).findMany(ids)).rejects.toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(300);
  });
});
