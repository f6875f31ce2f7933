import Router from '@koa/router';
import type { Context } from 'koa';
import { deliveriesOnly } from '../http/deliveries';
import type { Logger } from '../logger';
import { check, type JSONSchema } from '../validation';
import { PUBSUB, type EventData, type EventDef } from '@shop/contracts';

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

/** The handler of one event, subscribed on the shop's pub/sub component. */
export function on<E extends EventDef>(
  event: E,
  handle: (data: EventData<E>, envelope: CloudEvent<EventData<E>>) => Promise<void>,
): EventHandler<EventData<E>> {
  return { pubsub: PUBSUB, topic: event.topic, type: event.type, schema: event.schema, handle };
}

/** Thrown by a handler for an event that can never succeed: the sidecar drops it (to dead letter). */
export class DropEvent extends Error {
  override readonly name = 'DropEvent';
}

export type EventStatus = 'SUCCESS' | 'RETRY' | 'DROP';

export interface SubscriptionOptions {
  /** Dead-letter topic per pub/sub component; needs a retry policy on the component to be useful. */
  deadLetterTopic?: string;
  /**
   * The names of the pub/sub components the app's sidecar has (`Sidecar.pubsubs`). Given, a topic
   * is subscribed on `<pubsub>-<topic>` when the sidecar has that component, so an operator can give one
   * topic a connection of its own by adding a component (components/rabbitmq/pubsub-stock.yaml says why).
   */
  pubsubComponents?: () => Promise<readonly string[]>;
}

/** The component a topic is subscribed on: `<pubsub>-<topic>` if the sidecar has it, else `<pubsub>`. */
export function subscriptionPubsub(pubsub: string, topic: string, components: readonly string[] | undefined): string {
  return components?.includes(`${pubsub}-${topic}`) ? `${pubsub}-${topic}` : pubsub;
}

/**
 * Asks `list` until it answers. daprd 1.18 asks `/dapr/subscribe` once per start and reads any answer but
 * 200 (or 404) as "no subscriptions" (it logs an error and never asks again), so a failed lookup cannot be
 * answered: a guess would subscribe on the wrong component, an error would lose every subscription. daprd
 * waits for the answer with no timeout, and its metadata API is up before it asks, so this only bridges a
 * hiccup; it gives up when daprd hangs up.
 */
async function untilListed(list: () => Promise<readonly string[]>, ctx: Context, logger: Logger): Promise<readonly string[]> {
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await list();
    } catch (err) {
      if (ctx.req.socket.destroyed) throw err;
      logger.warn("cannot list the sidecar's pub/sub components for /dapr/subscribe; asking again", { err, 'retry.ms': delay });
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

const routeFor = (h: { topic: string; type: string }) => `/events/${h.topic}/${h.type}`;
const UNROUTED = '/events/_unrouted';

/**
 * Serves what Dapr's programmatic subscription expects, in Koa: `GET /dapr/subscribe` (each topic's
 * component, routing rules on `event.type`, the dead-letter topic) and one POST route per handler that
 * answers SUCCESS, RETRY (thrown) or DROP (malformed envelope, schema-invalid data, DropEvent) — DROP
 * sends it to dead letter.
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

  router.get('/dapr/subscribe', async (ctx) => {
    const components = options.pubsubComponents ? await untilListed(options.pubsubComponents, ctx, logger) : undefined;
    ctx.body = [...topics.values()].map((t) => ({
      pubsubname: subscriptionPubsub(t.pubsub, t.topic, components),
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
