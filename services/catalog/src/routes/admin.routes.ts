import { NotFoundError, route } from '@shop/kit';
import type { ProductStore, StockStore } from '../ports';
import { catalogHttp } from '@shop/contracts';

/** Catalog and stock management; app.ts mounts these behind the admin guard. */
export function adminRoutes(products: ProductStore, stock: StockStore) {
  return [
    route({
      method: 'POST',
      path: '/products',
      access: 'admin',
      summary: 'Add a product with its initial stock on hand',
      body: catalogHttp.newProductBody,
      handle: async ({ body }, ctx) => {
        const view = await products.create(body);
        ctx.status = 201;
        ctx.set('location', `/products/${view.id}`);
        return view;
      },
    }),
    route({
      method: 'PATCH',
      path: '/products/:id',
      access: 'admin',
      summary: "Change a product's name, description, price or category",
      params: catalogHttp.idParams,
      body: catalogHttp.productPatchBody,
      handle: async ({ params, body }) =>
        (await products.update(params.id, body)) ?? Promise.reject(new NotFoundError(`product ${params.id}`)),
    }),
    route({
      method: 'DELETE',
      path: '/products/:id',
      access: 'admin',
      summary: 'Archive a product: it leaves search and can no longer be reserved',
      params: catalogHttp.idParams,
      handle: async ({ params }) => {
        if (!(await products.archive(params.id))) throw new NotFoundError(`product ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'PUT',
      path: '/products/:id/stock',
      access: 'admin',
      summary: 'Set the units on hand (not below what reservations hold)',
      params: catalogHttp.idParams,
      body: catalogHttp.stockBody,
      handle: async ({ params, body }) =>
        (await stock.setOnHand(params.id, body.onHand)) ?? Promise.reject(new NotFoundError(`product ${params.id}`)),
    }),
  ];
}
