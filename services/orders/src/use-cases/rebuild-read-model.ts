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
