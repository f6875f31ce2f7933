import type { DaprClient } from '@dapr/dapr';
import { ValidationError, check, publishEvent } from '@shop/kit';
import { PUBSUB, type EventData, type EventDef } from './define';

/**
 * Validates the data against the event's schema, then publishes it as a CloudEvent of the event's
 * type on its topic. A publisher never sends what a subscriber would have to drop.
 */
export async function publish<E extends EventDef>(client: DaprClient, event: E, data: EventData<E>): Promise<void> {
  const problems = check(event.schema, data, 'event');
  if (problems.length)
    throw new ValidationError(
      problems,
      `refusing to publish an invalid ${event.type}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    );
  await publishEvent(client, PUBSUB, event.topic, event.type, data);
}
