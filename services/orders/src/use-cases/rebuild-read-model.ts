import { ConflictError } from '@shop/kit';
import { fold } from '../domain/order';
import type { OrderEventStore } from '../store/event-store';
import type { OrderReadModel } from '../store/read-model';

const PAGE = 200;
/** Orders replayed at once: each is its own read and transaction, so a page goes several times faster. */
const PARALLEL = 8;

/** What a rebuild did, in orders: rebuilt from their streams (`events` replayed), kept without one, pruned. */
export interface RebuildResult {
  rebuilt: number;
  events: number;
  kept: number;
  pruned: number;
}

/**
 * Rebuilds the order history from the event store, a few orders at a time: every order known here (registered
 * at checkout, or projected) whose stream the store holds has its projection replaced, in one step, by the
 * replay of that stream. An order whose stream is missing (a store that came back empty after a restart)
 * is kept as the history shows it, since the history may now be its only record: a rebuild never shrinks
 * the history unless `prune` says so, and then only such orders' projections go (their registrations
 * stay, so a store restored later can still bring them back). Safe while events keep arriving: projecting
 * is idempotent per (order, version), and an event that meets an order mid-replace catches up from its
 * stream.
 */
export async function rebuildReadModel(
  deps: { events: OrderEventStore; readModel: OrderReadModel },
  options: { prune: boolean },
): Promise<RebuildResult> {
  const result: RebuildResult = { rebuilt: 0, events: 0, kept: 0, pruned: 0 };
  for (let after: string | undefined; ;) {
    const ids = await deps.readModel.knownIds(after, PAGE);
    if (!ids.length) break;
    const one = async (id: string): Promise<void> => {
      const stream = await deps.events.load(id);
      if (stream) {
        fold(stream.events); // a stream that does not fold is corrupt: fail loudly rather than project it
        await deps.readModel.replace(id, stream.events);
        result.rebuilt++;
        result.events += stream.events.length;
      } else if (options.prune) {
        if (await deps.readModel.remove(id)) result.pruned++;
      } else if ((await deps.readModel.versionOf(id)) > 0) result.kept++;
    };
    for (let i = 0; i < ids.length; i += PARALLEL) await Promise.all(ids.slice(i, i + PARALLEL).map(one));
    after = ids[ids.length - 1];
  }
  return result;
}

/**
 * The rebuild, one at a time in this process: a second one at once would only redo the first's work, on
 * the same rows. It is refused with 409 instead. (Replicas do not coordinate: two rebuilds sent to two
 * replicas converge, each order's replace being one transaction.)
 */
export function exclusiveRebuild(deps: Parameters<typeof rebuildReadModel>[0]): (options: { prune: boolean }) => Promise<RebuildResult> {
  let running = false;
  return async (options) => {
    if (running) throw new ConflictError('rebuild-in-progress', 'A rebuild of the order history is running; retry when it has finished');
    running = true;
    try {
      return await rebuildReadModel(deps, options);
    } finally {
      running = false;
    }
  };
}
