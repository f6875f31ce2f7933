import { randomBytes } from 'node:crypto';
import { decideShip } from '../domain/order';
import type { SagaDeps } from './advance-order';
import { advanceOrder } from './advance-order';

const BATCH = 50;

/**
 * Ships confirmed orders (called by the cron input binding). Several replicas may run it at once: the
 * ETag-guarded append lets one ship an order and turns the other's attempt into a no-op.
 */
export async function shipConfirmedOrders(deps: SagaDeps): Promise<number> {
  let shipped = 0;
  for (const orderId of await deps.readModel.confirmedIds(BATCH)) {
    const tracking = `TRK${randomBytes(6).toString('hex').toUpperCase()}`;
    if ((await advanceOrder(deps, orderId, (s) => decideShip(s, tracking))) === 'recorded') shipped++;
  }
  return shipped;
}
