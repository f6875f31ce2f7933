import { NotFoundError, route } from '@shop/kit';
import type { ProductStore } from '../ports';
import type { StockStore } from '../ports';
import { newProductSchema, productIdSchema, productPatchSchema, stockSchema } from './schemas';

/** Catalog and stock management; app.ts mounts these behind the admin guard. */
export function adminRoutes(products: ProductStore, stock: StockStore) {
  return [
    route({
      method: 'POST',
      path: '/products',
      access: 'admin',
      summary: 'Add a product with its initial stock on hand',
      body: newProductSchema,
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
      params: productIdSchema,
      body: productPatchSchema,
      handle: async ({ params, body }) =>
        (await products.update(params.id, body)) ?? Promise.reject(new NotFoundError(`product ${params.id}`)),
    }),
    route({
      method: 'DELETE',
      path: '/products/:id',
      access: 'admin',
      summary: 'Archive a product: it leaves search and can no longer be reserved',
      params: productIdSchema,
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
      params: productIdSchema,
      body: stockSchema,
      handle: async ({ params, body }) =>
        (await stock.setOnHand(params.id, body.onHand)) ?? Promise.reject(new NotFoundError(`product ${params.id}`)),
    }),
  ];
}
