import { ConflictError } from '@shop/kit';
import { fold } from '../domain/order';
import type { OrderEventStore } from '../store/event-store';
import type { OrderReadModel } from '../store/read-model';

const PAGE = 200;

/**
 * Rebuilds the order history from the event store: clears the projection, then replays every registered
 * order's events in version order. Safe to run while events keep arriving: projecting is idempotent per
 * (order, version), so a live event and its replay converge.
 */
export async function rebuildReadModel(deps: {
  events: OrderEventStore;
  readModel: OrderReadModel;
}): Promise<{ orders: number; events: number }> {
  await deps.readModel.clear();
  let orders = 0;
  let events = 0;
  for (let after: string | undefined; ;) {
    const ids = await deps.readModel.registeredIds(after, PAGE);
    if (!ids.length) break;
    for (const id of ids) {
      const stream = await deps.events.load(id);
      if (!stream) continue;
      fold(stream.events); // a stream that does not fold is corrupt: fail loudly rather than project it
      for (const e of stream.events) await deps.readModel.project(e);
      orders++;
      events += stream.events.length;
    }
    after = ids[ids.length - 1];
  }
  return { orders, events };
}

/**
 * The rebuild, one at a time in this process: a second one would clear the projection under the first,
 * whose next event then finds no order to advance (a 500). It is refused with 409 instead. (Replicas do
 * not coordinate: two rebuilds sent to two replicas at once can still collide.)
 */
export function exclusiveRebuild(deps: Parameters<typeof rebuildReadModel>[0]): () => Promise<{ orders: number; events: number }> {
  let running = false;
  return async () => {
    if (running) throw new ConflictError('rebuild-in-progress', 'A rebuild of the order history is running; retry when it has finished');
    running = true;
    try {
      return await rebuildReadModel(deps);
    } finally {
      running = false;
    }
  };
}
