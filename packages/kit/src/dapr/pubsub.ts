import type { DaprClient } from '@dapr/dapr';
import { propagationHeaders } from '../context';
import { DependencyError } from '../errors';
import { describeFailure, throwIfReturnedError } from './sdk-errors';

/**
 * Publishes one event as a CloudEvent whose `type` names it with its version (`order.placed.v1`),
 * carrying the current trace context. Throws when the sidecar does not confirm the publish.
 */
export async function publishEvent(client: DaprClient, pubsub: string, topic: string, type: string, data: unknown): Promise<void> {
  const trace = propagationHeaders().traceparent;
  const metadata: Record<string, string> = { 'cloudevent.type': type };
  if (trace) metadata['cloudevent.traceparent'] = trace;
  try {
    throwIfReturnedError(await client.pubsub.publish(pubsub, topic, data as object, { metadata, contentType: 'application/json' }));
  } catch (e) {
    throw new DependencyError(`pub/sub ${pubsub}`, `publish of ${type} to ${topic} failed: ${describeFailure(e).message}`, e);
  }
}
