import type { Context } from 'koa';
import { AppError, requireIdentity, route } from '@shop/kit';
import type { SagaDeps } from '../events/saga.handlers';
import { shipConfirmedOrders } from '../use-cases/fulfillment';
import { rebuildJob } from '../use-cases/rebuild-read-model';
import type { SagaRedrive } from '../use-cases/redrive-sagas';
import { ordersHttp } from '@shop/contracts';

/**
 * Routes the platform calls: the fulfillment cron binding (ships confirmed orders, and starts stalled
 * sagas again), and the read-model rebuild for operators (started by POST, followed by GET).
 */
export function operationRoutes(deps: SagaDeps, bindingName: string, redrive: SagaRedrive) {
  const rebuild = rebuildJob(deps);
  const adminOnly = (ctx: Context) => {
    if (requireIdentity(ctx.state).role !== 'admin') throw new AppError({ status: 403, code: 'forbidden', title: 'Admins only' });
  };
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
      summary: 'Start rebuilding the order history from the event store (admin); orders without a stream are kept unless prune is true',
      body: ordersHttp.rebuildBody,
      handle: async ({ body }, ctx) => {
        adminOnly(ctx);
        const started = rebuild.start({ prune: body.prune === true });
        ctx.status = 202;
        return started;
      },
    }),
    route({
      method: 'GET',
      path: '/admin/read-model/rebuild',
      summary: "Where this replica's rebuild of the order history stands (admin): idle, running, succeeded with its result, or failed",
      handle: async (_, ctx) => {
        adminOnly(ctx);
        return rebuild.status();
      },
    }),
  ];
}
