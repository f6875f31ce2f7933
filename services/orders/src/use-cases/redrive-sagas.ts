import { EtagMismatchError } from '@shop/kit';
import type { SagaDeps } from '../events/saga.handlers';

/** Orders looked at per run, oldest first. */
const BATCH = 200;

/**
 * Starts again the sagas that stopped. Every step of an order's saga is triggered by the event the step
 * before it published, and a publish can be lost although the sidecar reported it done (Dapr 1.18's
 * RabbitMQ component answers success when the broker stops before confirming it). So an order that is
 * not shipped or cancelled, and whose last event is older than `afterMs`, gets that event published
 * again, through the outbox like any other. Every handler of an order event is idempotent, so a saga
 * that was only slow loses nothing but the work of a duplicate. An order is looked at no more than once
 * per `afterMs` by a replica, so one that stays stuck (its consumer is down) is retried, not flooded.
 */
export class SagaRedrive {
  private readonly lastLook = new Map<string, number>();

  constructor(
    private readonly deps: SagaDeps,
    private readonly afterMs: number,
  ) {}

  /** One pass (the fulfillment cron calls it); returns how many orders had their last event published again. */
  async run(): Promise<number> {
    const now = this.deps.now().getTime();
    const ids = await this.deps.readModel.unfinishedIds(new Date(now - this.afterMs), BATCH);
    const candidates = new Set(ids);
    for (const id of this.lastLook.keys()) if (!candidates.has(id)) this.lastLook.delete(id);
    let redriven = 0;
    for (const id of ids) {
      if (now - (this.lastLook.get(id) ?? Number.NEGATIVE_INFINITY) < this.afterMs) continue;
      this.lastLook.set(id, now);
      // No stream: the checkout registered the order but its append failed; there is no saga to drive.
      const stream = await this.deps.events.load(id);
      const last = stream?.events.at(-1);
      if (!stream || !last || now - Date.parse(last.data.occurredAt) < this.afterMs) continue;
      try {
        await this.deps.events.republishLast(id, stream);
      } catch (e) {
        if (e instanceof EtagMismatchError) continue; // it moved on meanwhile: not stalled
        throw e;
      }
      this.deps.logger.warn('saga stalled; its last event is published again', {
        'order.id': id,
        'event.type': last.type,
        'order.version': last.data.version,
      });
      redriven++;
    }
    return redriven;
  }
}
