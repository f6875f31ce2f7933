import { AppError, requireIdentity, route } from '@shop/kit';
import type { SagaDeps } from '../events/saga.handlers';
import { shipConfirmedOrders } from '../use-cases/fulfillment';
import { rebuildReadModel } from '../use-cases/rebuild-read-model';

/** Routes the platform calls: the fulfillment cron binding, and the read-model rebuild for operators. */
export function operationRoutes(deps: SagaDeps, bindingName: string) {
  return [
    route({
      method: 'POST',
      path: `/${bindingName}`,
      summary: 'Cron input binding: ship confirmed orders',
      handle: async () => ({ shipped: await shipConfirmedOrders(deps) }),
    }),
    route({
      method: 'POST',
      path: '/admin/read-model/rebuild',
      summary: 'Rebuild the order history from the event store (admin)',
      handle: async (_input, ctx) => {
        if (requireIdentity(ctx.state).role !== 'admin') throw new AppError({ status: 403, code: 'forbidden', title: 'Admins only' });
        return rebuildReadModel(deps);
      },
    }),
  ];
}
