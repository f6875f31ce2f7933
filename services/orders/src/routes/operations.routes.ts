import { AppError, requireIdentity, route } from '@shop/kit';
import type { SagaDeps } from '../events/saga.handlers';
import { shipConfirmedOrders } from '../use-cases/fulfillment';
import { exclusiveRebuild } from '../use-cases/rebuild-read-model';
import type { SagaRedrive } from '../use-cases/redrive-sagas';
import { rebuildBodySchema } from './schemas';

/**
 * Routes the platform calls: the fulfillment cron binding (ships confirmed orders, and starts stalled
 * sagas again), and the read-model rebuild for operators.
 */
export function operationRoutes(deps: SagaDeps, bindingName: string, redrive: SagaRedrive) {
  const rebuild = exclusiveRebuild(deps);
  return [
    route({
      method: 'POST',
      path: `/${bindingName}`,
      summary: 'Cron input binding: ship confirmed orders, publish again the last event of stalled sagas, catch up lagging histories',
      deliveryOnly: true,
      handle: async () => ({ shipped: await shipConfirmedOrders(deps), ...(await redrive.run()) }),
    }),
    route({
      method: 'POST',
      path: '/admin/read-model/rebuild',
      summary: 'Rebuild the order history from the event store (admin); orders without a stream are kept unless prune is true',
      body: rebuildBodySchema,
      handle: async ({ body }, ctx) => {
        if (requireIdentity(ctx.state).role !== 'admin') throw new AppError({ status: 403, code: 'forbidden', title: 'Admins only' });
        return rebuild({ prune: body.prune === true });
      },
    }),
  ];
}
