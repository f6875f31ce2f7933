import { route, type BindingDef } from '@shop/kit';
import type { SagaDeps } from '../use-cases/advance-order';
import { shipConfirmedOrders } from '../use-cases/fulfillment';
import { rebuildJob } from '../use-cases/rebuild-read-model';
import type { SagaRedrive } from '../use-cases/redrive-sagas';
import { ordersHttp } from '@shop/contracts';

/** The fulfillment cron binding: ships confirmed orders, and starts stalled sagas again. */
export function fulfillmentBinding(deps: SagaDeps, name: string, redrive: SagaRedrive): BindingDef {
  return {
    name,
    summary: 'Cron input binding: ship confirmed orders, publish again the last event of stalled sagas, catch up lagging histories',
    handle: async () => ({ shipped: await shipConfirmedOrders(deps), ...(await redrive.run()) }),
  };
}

/** The read-model rebuild for operators (started by POST, followed by GET). */
export function operationRoutes(deps: SagaDeps) {
  const rebuild = rebuildJob(deps);
  return [
    route({
      method: 'POST',
      path: '/admin/read-model/rebuild',
      summary: 'Start rebuilding the order history from the event store (admin); orders without a stream are kept unless prune is true',
      access: 'admin',
      body: ordersHttp.rebuildBody,
      handle: async ({ body }, ctx) => {
        const started = rebuild.start({ prune: body.prune === true });
        ctx.status = 202;
        return started;
      },
    }),
    route({
      method: 'GET',
      path: '/admin/read-model/rebuild',
      summary: "Where this replica's rebuild of the order history stands (admin): idle, running, succeeded with its result, or failed",
      access: 'admin',
      handle: async () => rebuild.status(),
    }),
  ];
}
