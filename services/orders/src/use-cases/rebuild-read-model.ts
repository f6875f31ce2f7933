import { ConflictError } from '@shop/kit';
import { fold } from '../domain/order';
import type { OrderEventStore } from '../ports';
import type { OrderReadModel } from '../ports';

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

/** Where the rebuild of this process stands: what GET answers, and POST once it has started one. */
export type RebuildStatus =
  | { state: 'idle' }
  | { state: 'running'; prune: boolean; startedAt: string }
  | { state: 'succeeded'; prune: boolean; startedAt: string; finishedAt: string; result: RebuildResult }
  | { state: 'failed'; prune: boolean; startedAt: string; finishedAt: string; error: string };

export interface RebuildJob {
  /** Starts a rebuild in the background and answers at once; 409 rebuild-in-progress while one runs. */
  start(options: { prune: boolean }): RebuildStatus;
  status(): RebuildStatus;
  /** Settles when the rebuild started last has ended (for shutdown and tests). */
  settled(): Promise<void>;
}

/**
 * The rebuild as a background job of this process: it replays every order, which takes longer than any
 * request may wait (the sidecars give an invocation 5 s), so POST starts it and GET follows it. One at a
 * time: a second one at once would only redo the first's work, on the same rows; it is refused with 409.
 * (Replicas do not coordinate, and each answers for its own job: two rebuilds on two replicas converge,
 * each order's replace being one transaction.)
 */
export function rebuildJob(deps: Parameters<typeof rebuildReadModel>[0], now: () => Date = () => new Date()): RebuildJob {
  let status: RebuildStatus = { state: 'idle' };
  let running: Promise<void> = Promise.resolve();
  return {
    start(options) {
      if (status.state === 'running')
        throw new ConflictError('rebuild-in-progress', 'A rebuild of the order history is running; follow it with GET, then ask again');
      const started = { prune: options.prune, startedAt: now().toISOString() };
      status = { state: 'running', ...started };
      running = rebuildReadModel(deps, options).then(
        (result) => void (status = { state: 'succeeded', ...started, finishedAt: now().toISOString(), result }),
        (e: unknown) =>
          void (status = {
            state: 'failed',
            ...started,
            finishedAt: now().toISOString(),
            error: e instanceof Error ? e.message : String(e),
          }),
      );
      return status;
    },
    status: () => status,
    settled: () => running,
  };
}
