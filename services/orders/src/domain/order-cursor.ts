import { fromCursor, isIsoInstant, isoInstantSchema, toCursor } from '@shop/kit';

/** Where a page of the order history ended: the last order's placing instant and id (newest first). */
export interface OrderPosition {
  placedAt: string;
  id: string;
}

// A client holds the cursor and may send anything back: `placedAt: "1"` passed Date.parse and failed
// PostgreSQL's timestamptz cast (a 502). The position is checked like any input instead.
const positionSchema = {
  type: 'array',
  items: [isoInstantSchema, { type: 'string', format: 'uuid' }],
  minItems: 2,
  additionalItems: false,
} as const;

/** Opaque to clients: base64url of `[placedAt, id]`. */
export function encodeOrderCursor(position: OrderPosition): string {
  return toCursor([position.placedAt, position.id]);
}

/** A malformed or tampered cursor is a 400 invalid-cursor on query.cursor, never a failed query. */
export function decodeOrderCursor(raw: string): OrderPosition {
  const [placedAt, id] = fromCursor(raw, positionSchema, (p) => isIsoInstant((p as string[])[0]!)) as [string, string];
  return { placedAt, id: id.toLowerCase() };
}
