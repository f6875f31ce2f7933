import type { FromSchema, JSONSchema } from './schema-types';

/** The pub/sub component every service names; what stands behind it is chosen in components/. */
export const PUBSUB = 'pubsub';
/** Where subscribers' poison messages go (with a retry policy on the component); operators inspect it. */
export const DEAD_LETTER_TOPIC = 'deadletter';

export interface EventDef<S extends JSONSchema = JSONSchema> {
  /** The topic, owned by one publisher (enforced with publishingScopes). */
  topic: string;
  /** The CloudEvent type with its version: a breaking change is a new type (`.v2`), never an edit. */
  type: string;
  schema: S;
}

export type EventData<E> = E extends EventDef<infer S> ? FromSchema<S> : never;

export function defineEvent<const S extends JSONSchema>(topic: string, type: string, schema: S): EventDef<S> {
  return { topic, type, schema };
}

/** An event's data schema: the fields given plus those every event of an aggregate carries. */
export function dataSchema<const P extends Record<string, JSONSchema>, const R extends readonly string[]>(properties: P, required: R) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}
