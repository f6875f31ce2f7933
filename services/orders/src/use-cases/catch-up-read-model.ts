import type { Logger } from '@shop/kit';
import type { OrderEvent } from '../domain/order';
import type { OrderEventStore } from '../ports';
import type { OrderReadModel } from '../ports';

type Deps = { events: OrderEventStore; readModel: OrderReadModel; logger: Logger };

/**
 * Projects one of the order's own events. Delivery is at least once and in no particular order, and a
 * publish can be lost: an event beyond the version the history holds (a gap, or an order not projected
 * at all) is not waited for, since the missing events may never come again. The orders service owns the
 * stream, so it reads it and projects what is missing, in order, up to and past this event.
 */
export async function projectOrderEvent(deps: Deps, event: OrderEvent): Promise<void> {
  const done = await deps.readModel.project(event);
  if (done.status !== 'gap') return;
  const { orderId, version } = event.data;
  const stream = await deps.events.load(orderId);
  const reached = stream ? await catchUp(deps, stream.events, done.held) : done.held;
  // Only a store that lost (or has not yet got) the stream lands here: retried, then dead-lettered.
  if (reached < version)
    throw new Error(`order ${orderId}: v${version} is beyond its event stream (v${stream?.events.at(-1)?.data.version ?? 0})`);
}

/**
 * Projects, in version order, the events of `stream` after version `held` (0: all of them); each one the
 * history already holds is a no-op. Returns the version the history holds afterwards. A stream that
 * does not follow on from itself is corrupt, and fails rather than project with a hole.
 */
export async function catchUp(deps: Omit<Deps, 'events'>, stream: readonly OrderEvent[], held: number): Promise<number> {
  const missing = stream.filter((e) => e.data.version > held);
  let projected = 0;
  for (const e of missing) {
    const done = await deps.readModel.project(e);
    if (done.status === 'gap') throw new Error(`order ${e.data.orderId}: v${e.data.version} does not follow v${done.held} in its stream`);
    if (done.status === 'projected') projected++;
  }
  const last = missing.at(-1);
  if (!last) return held;
  if (projected > 0)
    deps.logger.warn('order history caught up from the event stream', {
      'order.id': last.data.orderId,
      'order.version.held': held,
      'order.version': last.data.version,
      'events.projected': projected,
    });
  return last.data.version;
}
