import { NotFoundError, route, type FromSchema } from '@shop/kit';
import type { ProductStore } from '../ports';
import { normalizeQuery, type ProductQuery } from '../domain/product';
import { catalogHttp } from '@shop/contracts';

/** The query as the domain takes it: `ids` arrives as one comma-separated string. */
const productQuery = ({ ids, ...rest }: FromSchema<typeof catalogHttp.productQuery>): ProductQuery =>
  ids === undefined ? rest : { ...rest, ids: ids.split(',') };

export function productRoutes(store: ProductStore) {
  return [
    route({
      method: 'GET',
      path: '/products',
      summary: 'Search products: full text, category (with sub-categories), price range, stock, a list of ids; keyset pages',
      query: catalogHttp.productQuery,
      handle: ({ query }) => store.search(normalizeQuery(productQuery(query))),
    }),
    route({
      method: 'GET',
      path: '/products/:id',
      summary: 'One product with its available stock',
      params: catalogHttp.idParams,
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
