// The AsyncAPI 3.0 document of the events, built from their definitions and PARTICIPANTS, so that a team
// writing a service in another language can publish and subscribe without reading TypeScript.
// `npm run contracts:asyncapi` writes it to packages/contracts/asyncapi.json; a unit test fails when that
// file is stale. Built in declaration order, with no timestamps: the same definitions give the same bytes.
import { DEAD_LETTER_TOPIC, PUBSUB, type EventDef } from './define';
import { ALL_EVENTS, PARTICIPANTS } from './participants';

type Json = Record<string, unknown>;

const DESCRIPTION = `The events of the shop's checkout saga: orders, stock and payments.

Every event crosses the Dapr pub/sub component \`${PUBSUB}\`; which broker stands behind it is chosen per profile in components/ (the RabbitMQ profile gives each topic a component of its own, \`${PUBSUB}-<topic>\`). Each topic has one publisher, enforced by the components' publishingScopes; who may subscribe is their subscriptionScopes.

Dapr wraps the published data in a CloudEvents 1.0 envelope (structured mode, JSON; raw payloads are not used): that envelope is what the broker carries and what a subscriber's sidecar POSTs to the app, with content type application/cloudevents+json. The event itself is the envelope's \`data\` (datacontenttype application/json), with the JSON Schema its message gives; \`type\` names the event with its version, and a breaking change is a new type (\`.v2\`), never an edit.

Publishers validate data against its schema before publishing. Subscribers route by \`type\` (one route per type they handle; other types of the topic are acknowledged unread), validate on receipt, and answer SUCCESS, RETRY (transient failure) or DROP (data that can never succeed, e.g. failing its schema). Delivery is at least once, so handlers are idempotent. What a subscriber drops, its sidecar publishes to the dead-letter topic \`${DEAD_LETTER_TOPIC}\`, which no app subscribes to: operators read it from the broker.`;

const cloudEvent = {
  type: 'object',
  description: 'The CloudEvents 1.0 envelope Dapr wraps every published event in. The event itself is `data`.',
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: { type: 'string', description: 'Unique per published event' },
    source: { type: 'string', description: 'The app id of the publisher' },
    type: { type: 'string', description: 'The event type with its version (`order.placed.v1`): subscribers route on it' },
    datacontenttype: { type: 'string', description: '`application/json`' },
    data: { description: "The event, as the message's data schema says" },
    topic: { type: 'string' },
    pubsubname: { type: 'string', description: 'The pub/sub component it was published through' },
    time: { type: 'string', format: 'date-time' },
    traceparent: { type: 'string', description: 'W3C trace context of the publish' },
    tracestate: { type: 'string' },
  },
  required: ['specversion', 'id', 'source', 'type', 'data'],
};

const publisherOf = (e: EventDef) => PARTICIPANTS.find((p) => p.publishes.includes(e))!.app;
const receiversOf = (e: EventDef) => PARTICIPANTS.filter((p) => p.receives.includes(e)).map((p) => p.app);
const topics = [...new Set(ALL_EVENTS.map((e) => e.topic))];
const messageRef = (channel: string, e: EventDef) => ({ $ref: `#/channels/${channel}/messages/${e.type}` });
const byType = (events: readonly EventDef[]) =>
  Object.fromEntries(events.map((e) => [e.type, { $ref: `#/components/messages/${e.type}` }]));

function message(e: EventDef): Json {
  const receivers = receiversOf(e);
  return {
    name: e.type,
    summary: `Published by ${publisherOf(e)} on topic ${e.topic}; received by ${receivers.length ? receivers.join(', ') : 'no service yet'}.`,
    contentType: 'application/cloudevents+json',
    payload: {
      allOf: [
        { $ref: '#/components/schemas/CloudEvent' },
        { type: 'object', properties: { type: { const: e.type }, data: { $ref: `#/components/schemas/${e.type}` } } },
      ],
    },
  };
}

function channels(): Json {
  const out: Json = {};
  for (const topic of topics) {
    const owner = PARTICIPANTS.find((p) => p.publishes.some((e) => e.topic === topic))!;
    out[topic] = {
      address: topic,
      description: `Owned by ${owner.app}, which publishes through ${owner.via}.`,
      messages: byType(ALL_EVENTS.filter((e) => e.topic === topic)),
    };
  }
  out[DEAD_LETTER_TOPIC] = {
    address: DEAD_LETTER_TOPIC,
    description:
      'What subscribers dropped: the CloudEvent as it was delivered, published by the sidecar of the app that dropped it ' +
      "(after the component's retry policy). No app subscribes; operators read it from the broker.",
    messages: byType(ALL_EVENTS),
  };
  return out;
}

function operations(): Json {
  const out: Json = {};
  for (const p of PARTICIPANTS) {
    for (const topic of [...new Set(p.publishes.map((e) => e.topic))])
      out[`${p.app}.sends.${topic}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${topic}` },
        summary: `${p.app} publishes, through ${p.via}`,
        messages: p.publishes.filter((e) => e.topic === topic).map((e) => messageRef(topic, e)),
      };
    for (const topic of [...new Set(p.receives.map((e) => e.topic))])
      out[`${p.app}.receives.${topic}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${topic}` },
        summary: `${p.app} handles these types of the topic and acknowledges the others unread`,
        messages: p.receives.filter((e) => e.topic === topic).map((e) => messageRef(topic, e)),
      };
    if (p.receives.length)
      out[`${p.app}.dead-letters`] = {
        action: 'send',
        channel: { $ref: `#/channels/${DEAD_LETTER_TOPIC}` },
        summary: `${p.app}'s sidecar publishes what ${p.app} dropped`,
        messages: p.receives.map((e) => messageRef(DEAD_LETTER_TOPIC, e)),
      };
  }
  return out;
}

export function asyncApiDocument(): Json {
  return {
    asyncapi: '3.0.0',
    info: { title: 'Shop events', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/cloudevents+json',
    channels: channels(),
    operations: operations(),
    components: {
      schemas: { CloudEvent: cloudEvent, ...Object.fromEntries(ALL_EVENTS.map((e) => [e.type, e.schema])) },
      messages: Object.fromEntries(ALL_EVENTS.map((e) => [e.type, message(e)])),
    },
  };
}

/** The document as packages/contracts/asyncapi.json holds it. */
export const asyncApiJson = (): string => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
