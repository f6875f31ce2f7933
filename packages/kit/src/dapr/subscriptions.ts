import Router from '@koa/router';
import { deliveriesOnly } from '../http/deliveries';
import type { Logger } from '../logger';
import { check, type JSONSchema } from '../validation';

/** The CloudEvent envelope Dapr delivers (application/cloudevents+json). */
export interface CloudEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  specversion: string;
  data: T;
  topic?: string;
  pubsubname?: string;
  traceparent?: string;
  time?: string;
}

/** One handler per event type; it must be idempotent, since delivery is at least once. */
export interface EventHandler<T = unknown> {
  pubsub: string;
  topic: string;
  /** The CloudEvent `type`, with its version: `order.placed.v1`. Routing rules match on it. */
  type: string;
  /** JSON Schema of `data`; an event that fails it can never succeed and is dropped (to dead letter). */
  schema: JSONSchema;
  handle(data: T, event: CloudEvent<T>): Promise<void>;
}

/** Thrown by a handler for an event that can never succeed: the sidecar drops it (to dead letter). */
export class DropEvent extends Error {
  override readonly name = 'DropEvent';
}

export type EventStatus = 'SUCCESS' | 'RETRY' | 'DROP';

export interface SubscriptionOptions {
  /** Dead-letter topic per pub/sub component; needs a retry policy on the component to be useful. */
  deadLetterTopic?: string;
}

const routeFor = (h: { topic: string; type: string }) => `/events/${h.topic}/${h.type}`;
const UNROUTED = '/events/_unrouted';

/**
 * Serves what Dapr's programmatic subscription expects, in Koa: `GET /dapr/subscribe` (routing rules on
 * `event.type`, the dead-letter topic) and one POST route per handler that answers SUCCESS, RETRY
 * (thrown) or DROP (malformed envelope, schema-invalid data, DropEvent) — DROP sends it to dead letter.
 */
export function subscriptionRouter(handlers: readonly EventHandler<never>[], logger: Logger, options: SubscriptionOptions = {}): Router {
  // Only the app's own sidecar delivers events; an invocation of these routes (e.g. a forged
  // `payment.authorized.v1` sent through a sidecar) is answered 404 before anything reads it.
  const router = new Router();
  router.use(deliveriesOnly());
  const topics = new Map<string, { pubsub: string; topic: string; rules: { match: string; path: string }[] }>();
  for (const h of handlers) {
    const key = `${h.pubsub}/${h.topic}`;
    const entry = topics.get(key) ?? { pubsub: h.pubsub, topic: h.topic, rules: [] };
    entry.rules.push({ match: `event.type == "${h.type}"`, path: routeFor(h) });
    topics.set(key, entry);
  }

  router.get('/dapr/subscribe', (ctx) => {
    ctx.body = [...topics.values()].map((t) => ({
      pubsubname: t.pubsub,
      topic: t.topic,
      // A topic carries every event of its owner and each subscriber takes the types it needs. The
      // others must be acknowledged here: with a dead-letter topic set, daprd sends an event that no
      // rule matches (and no default route takes) to dead letter, which would bury real poison there.
      routes: { rules: t.rules, default: UNROUTED },
      ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : {}),
    }));
  });

  router.post(UNROUTED, (ctx) => {
    ctx.body = { status: 'SUCCESS' satisfies EventStatus };
  });
  for (const h of handlers) {
    router.post(routeFor(h), async (ctx) => {
      ctx.body = { status: await deliver(h, ctx.request.body as CloudEvent, logger) };
    });
  }
  return router;
}

async function deliver(h: EventHandler<unknown>, event: CloudEvent | undefined, logger: Logger): Promise<EventStatus> {
  const meta = { 'event.type': event?.type, 'event.id': event?.id, topic: h.topic };
  if (!event || typeof event !== 'object' || !('data' in event)) {
    logger.warn('malformed CloudEvent dropped', meta);
    return 'DROP';
  }
  const problems = check(h.schema, event.data, 'event');
  if (problems.length) {
    logger.warn('event failed its schema and was dropped', { ...meta, 'event.problems': problems });
    return 'DROP';
  }
  try {
    await h.handle(event.data, event);
    return 'SUCCESS';
  } catch (e) {
    if (e instanceof DropEvent) {
      logger.warn('event dropped by its handler', { ...meta, err: e });
      return 'DROP';
    }
    logger.error('event handling failed; the sidecar will retry', { ...meta, err: e });
    return 'RETRY';
  }
}
