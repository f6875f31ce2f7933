import type { EventDef, JSONSchema } from '@shop/kit';

// An event is a topic, a versioned CloudEvent type and the JSON Schema of its data (the kit's EventDef,
// which the sidecar port publishes); the names of the pub/sub component and the dead-letter topic too.
export { DEAD_LETTER_TOPIC, PUBSUB, type EventData, type EventDef } from '@shop/kit';

export function defineEvent<const S extends JSONSchema>(topic: string, type: string, schema: S): EventDef<S> {
  return { topic, type, schema };
}

/** An event's data schema: the fields given plus those every event of an aggregate carries. */
export function dataSchema<const P extends Record<string, JSONSchema>, const R extends readonly string[]>(properties: P, required: R) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}
