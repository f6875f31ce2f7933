import { fromCursor, isIsoInstant, isoInstantSchema, toCursor, UUID_PATTERN } from '@shop/kit';

/** Where a page of users ended: the last row's (createdAt, id); the next page is strictly after it. */
export interface UserPosition {
  createdAt: string;
  id: string;
}

// What a cursor may hold: the instant and id of a row, as the store wrote them. Anything else (a date
// PostgreSQL refuses, an id that is no UUID) is a 400 invalid-cursor, never a failed query.
const positionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { c: isoInstantSchema, id: { type: 'string', format: 'uuid' } },
  required: ['c', 'id'],
} as const;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Opaque to clients: base64url of a small JSON, so its shape may change without an API change. */
export function encodeUserCursor(position: UserPosition): string {
  return toCursor({ c: position.createdAt, id: position.id });
}

/** A malformed or tampered cursor is a 400 invalid-cursor on query.cursor, never a database error. */
export function decodeUserCursor(raw: string): UserPosition {
  const { c, id } = fromCursor(raw, positionSchema, (p) => isIsoInstant(p.c));
  return { createdAt: c, id: id.toLowerCase() };
}
