import { EtagMismatchError } from '@shop/kit';
import type { OrderEvent } from '../domain/order';
import type { SagaDeps } from './advance-order';
import { catchUp } from './catch-up-read-model';

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
 *
 * The same look finds an order history that lags its stream (an event of the order was never projected
 * here): the missing events are projected from the stream, however recent they are, so the history
 * and the fulfillment sweep, which reads it, do not wait for a delivery that may never come. The last of
 * them is then published again at once, however recent: its delivery did not come here, so it may have
 * reached no subscriber at all, and once the history holds it the saga moves on without it (a confirmed
 * order is shipped by the sweep, a shipped one is never looked at again) — a lost `order.confirmed`
 * would leave the payment authorized and never captured.
 */
export class SagaRedrive {
  private readonly lastLook = new Map<string, number>();

  constructor(
    private readonly deps: SagaDeps,
    private readonly afterMs: number,
  ) {}

  /**
   * One pass (the fulfillment cron calls it): how many orders had their last event published again, and
   * how many had their history caught up with their stream.
   */
  async run(): Promise<{ redriven: number; caughtUp: number }> {
    const now = this.deps.now().getTime();
    const ids = await this.deps.readModel.unfinishedIds(new Date(now - this.afterMs), BATCH);
    const candidates = new Set(ids);
    for (const id of this.lastLook.keys()) if (!candidates.has(id)) this.lastLook.delete(id);
    let redriven = 0;
    let caughtUp = 0;
    for (const id of ids) {
      if (now - (this.lastLook.get(id) ?? Number.NEGATIVE_INFINITY) < this.afterMs) continue;
      this.lastLook.set(id, now);
      // No stream: the checkout registered the order but its append failed; there is no saga to drive.
      const stream = await this.deps.events.load(id);
      const last = stream?.events.at(-1);
      if (!stream || !last) continue;
      const lagged = await this.catchUp(id, stream.events);
      if (lagged) caughtUp++;
      if (!lagged && now - Date.parse(last.data.occurredAt) < this.afterMs) continue;
      try {
        await this.deps.events.republishLast(id, stream);
      } catch (e) {
        if (e instanceof EtagMismatchError) continue; // it moved on meanwhile: not stalled
        throw e;
      }
      this.deps.logger.warn(
        lagged ? 'order history lagged its stream; its last event is published again' : 'saga stalled; its last event is published again',
        {
          'order.id': id,
          'event.type': last.type,
          'order.version': last.data.version,
        },
      );
      redriven++;
    }
    return { redriven, caughtUp };
  }

  /** True when the order's history lagged its stream and now holds it; a corrupt stream is logged, not fatal to the pass. */
  private async catchUp(id: string, stream: OrderEvent[]): Promise<boolean> {
    const held = await this.deps.readModel.versionOf(id);
    if (held >= stream.at(-1)!.data.version) return false;
    try {
      return (await catchUp(this.deps, stream, held)) > held;
    } catch (err) {
      this.deps.logger.error('order history cannot catch up with its stream', { 'order.id': id, err });
      return false;
    }
  }
}
