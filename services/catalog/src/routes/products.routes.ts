import { NotFoundError, route } from '@shop/kit';
import type { ProductStore } from '../store/product-store';
import { normalizeQuery } from '../domain/product';
import { productIdSchema, productQuerySchema } from './schemas';

export function productRoutes(store: ProductStore) {
  return [
    route({
      method: 'GET',
      path: '/products',
      summary: 'Search products: full text, category (with sub-categories), price range, stock; keyset pages',
      query: productQuerySchema,
      handle: ({ query }) => store.search(normalizeQuery(query)),
    }),
    route({
      method: 'GET',
      path: '/products/:id',
      summary: 'One product with its available stock',
      params: productIdSchema,
      handle: async ({ params }) => (await store.getById(params.id)) ?? Promise.reject(new NotFoundError(`product ${params.id}`)),
    }),
    route({
      method: 'GET',
      path: '/categories',
      summary: 'The category tree',
      handle: async () => ({ items: await store.categoryTree() }),
    }),
  ];
}
