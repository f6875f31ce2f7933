// The catalog adapter's mapping of what service invocation gives back, with a stand-in for the SDK.
import { randomUUID } from 'node:crypto';
import { DependencyError } from '@shop/kit';
import { DaprProductCatalog } from '../../src/store/dapr-product-catalog';

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
  return { client: { invoker: { invoke } } as never, invoke };
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
